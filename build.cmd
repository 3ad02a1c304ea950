@echo off
rem build, test, pack and run MongoSess; the Windows twin of build.sh
setlocal
cd /d "%~dp0"

set "CMD=%~1"
if "%CMD%"=="" goto usage
shift

rem the arguments after the command word, exactly as typed: %* keeps "=" (-p:Version=0.1.0-local.1) and empty
rem arguments, which a loop over %1 would split or stop at; this drops everything up to the command word itself
set "ARGS=%*"
call set "ARGS=%%ARGS:*%CMD%=%%"

if /i "%CMD%"=="demo" goto demo
if /i "%CMD%"=="test" goto test
if /i "%CMD%"=="pack" goto pack
if /i "%CMD%"=="soak" goto soak
if /i "%CMD%"=="load" goto load
if /i "%CMD%"=="bench" goto bench
echo unknown command: %CMD% 1>&2
goto usage

:demo
echo building the demo server (the first build takes a while)... 1>&2
dotnet build examples\DemoServer\DemoServer.csproj -c Release --nologo -v quiet || exit /b 1
for /f "usebackq delims=" %%p in (`dotnet msbuild examples\DemoServer\DemoServer.csproj -nologo -p:Configuration^=Release -getProperty:TargetPath`) do set "DLL=%%p"
dotnet "%DLL%" %ARGS%
exit /b %ERRORLEVEL%

:test
if exist TestResults rmdir /s /q TestResults
dotnet restore MongoSess.sln || exit /b 1
dotnet build MongoSess.sln -c Release --no-restore --nologo || exit /b 1
dotnet test MongoSess.sln -c Release --no-build --results-directory "%CD%\TestResults" --logger trx --logger "console;verbosity=normal" %ARGS%
exit /b %ERRORLEVEL%

:soak
set "PROJ=benchmarks\MongoSess.Soak\MongoSess.Soak.csproj"
goto runproj

:load
set "PROJ=benchmarks\MongoSess.Load\MongoSess.Load.csproj"
goto runproj

:bench
rem the whole BenchmarkDotNet output, summary table last (build.sh keeps only the summary)
set "PROJ=benchmarks\MongoSess.Benchmarks\MongoSess.Benchmarks.csproj"
goto runproj

:runproj
dotnet build "%PROJ%" -c Release --nologo -v quiet || exit /b 1
for /f "usebackq delims=" %%p in (`dotnet msbuild "%PROJ%" -nologo -p:Configuration^=Release -getProperty:TargetPath`) do set "DLL=%%p"
dotnet "%DLL%" %ARGS%
exit /b %ERRORLEVEL%

:pack
dotnet pack MongoSess\MongoSess.csproj -c Release -o artifacts --nologo %ARGS% || exit /b 1
dotnet pack MongoSess.Testing\MongoSess.Testing.csproj -c Release -o artifacts --nologo %ARGS%
exit /b %ERRORLEVEL%

:usage
echo usage: build.cmd ^<command^> [args...] 1>&2
echo. 1>&2
echo commands: 1>&2
echo   demo [args...]   build and run the demo server (examples\DemoServer) on 1>&2
echo                    http://localhost:8080/; extra args go to the server 1>&2
echo   test [args...]   restore, build and run every test; results in TestResults\ 1>&2
echo   pack [args...]   write the NuGet packages (MongoSess, MongoSess.Testing) and their 1>&2
echo                    symbols packages to artifacts\ (extra args go to dotnet pack) 1>&2
echo   soak [--seconds S] [--clients N] [--seed N] [--encrypt] 1>&2
echo                    minutes of concurrent session traffic against MongoDB while it 1>&2
echo                    drops connections and steps down its primary (not part of test) 1>&2
echo   bench [args...]  BenchmarkDotNet benchmarks, short job (args go to BenchmarkDotNet) 1>&2
echo   load [--store memory^|file^|mongodb] [--connections N] [--seconds S] 1>&2
echo                    drive the demo's /healthz and /views and print req/s, p50, p99, overhead 1>&2
exit /b 2
