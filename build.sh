#!/usr/bin/env bash
# build, test, pack and run MongoSess; see usage() below
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

usage() {
    cat >&2 <<'USAGE'
usage: ./build.sh <command> [args...]

commands:
  demo [args...]   build and run the demo server (examples/DemoServer) on
                   http://localhost:8080/; extra args go to the server
                   (try: ./build.sh demo --help)
  test [args...]   restore, build and run every test; results in TestResults/
                   (extra args go to dotnet test)
  pack [args...]   write the NuGet package and its symbols package to
                   artifacts/ (extra args go to dotnet pack)
USAGE
}

cmd="${1:-}"
if [[ $# -gt 0 ]]; then shift; fi

case "$cmd" in
    demo)
        demo=examples/DemoServer/DemoServer.csproj
        # quiet when it builds, the whole log when it does not
        if ! log="$(dotnet build "$demo" -c Release --nologo -v quiet 2>&1)"; then
            echo "$log" >&2
            exit 1
        fi
        dll="$(dotnet msbuild "$demo" -nologo -p:Configuration=Release -getProperty:TargetPath)"
        # exec so that Ctrl+C and SIGTERM reach the server itself
        exec dotnet "$dll" "$@"
        ;;
    test)
        rm -rf TestResults
        dotnet restore MongoSess.sln
        dotnet build MongoSess.sln -c Release --no-restore --nologo
        dotnet test MongoSess.sln -c Release --no-build \
            --results-directory "$root/TestResults" \
            --logger "trx" \
            --logger "console;verbosity=normal" \
            "$@"
        ;;
    pack)
        dotnet pack MongoSess/MongoSess.csproj -c Release -o artifacts --nologo "$@"
        ;;
    *)
        if [[ -n "$cmd" ]]; then echo "unknown command: $cmd" >&2; fi
        usage
        exit 2
        ;;
esac
