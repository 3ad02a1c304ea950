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
  pack [args...]   write the NuGet packages (MongoSess, MongoSess.Testing) and
                   their symbols packages to artifacts/ (extra args go to dotnet pack)
  soak [--seconds S] [--clients N] [--seed N] [--encrypt]
                   a few minutes of concurrent session traffic against MongoDB
                   (an in-process replica set) while it drops connections and
                   steps down its primary; exits 1 if an increment was lost or
                   doubled, a session leaked or memory grew (not part of test)
  bench [args...]  run the BenchmarkDotNet suite (benchmarks/MongoSess.Benchmarks)
                   with a short job, a few minutes, and print the summary table;
                   extra args go to BenchmarkDotNet (try: --filter '*Cookie*',
                   --list flat, --job default for a long, more precise run)
  load [--stack demo|minimal|connect-mongo] [--store memory|file|mongodb]
       [--connections N] [--seconds S] [--warmup S] [--pin] [--runs N]
                   start a server (the demo, a minimal signed-cookie session, or
                   express + connect-mongo on Node.js) and drive /healthz and
                   /views with N keep-alive connections (default 32, each its own
                   session) for S seconds per route (default 10); prints req/s,
                   p50, p99, errors, counter violations, server CPU per request
                   and the session overhead; --pin puts the server on CPU 0 and
                   the generator on CPU 1, --runs N prints the medians of N runs
                   (try: ./build.sh load --help)
USAGE
}

# builds a project in Release, quiet when it builds, the whole log when it does not; prints the dll path
build_quietly() {
    local log
    echo "building $(basename "$1" .csproj) (the first build takes a while)..." >&2
    if ! log="$(dotnet build "$1" -c Release --nologo -v quiet 2>&1)"; then
        echo "$log" >&2
        exit 1
    fi
    dotnet msbuild "$1" -nologo -p:Configuration=Release -getProperty:TargetPath
}

cmd="${1:-}"
if [[ $# -gt 0 ]]; then shift; fi

case "$cmd" in
    demo)
        dll="$(build_quietly examples/DemoServer/DemoServer.csproj)"
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
    soak)
        dll="$(build_quietly benchmarks/MongoSess.Soak/MongoSess.Soak.csproj)"
        exec dotnet "$dll" "$@"
        ;;
    pack)
        dotnet pack MongoSess/MongoSess.csproj -c Release -o artifacts --nologo "$@"
        dotnet pack MongoSess.Testing/MongoSess.Testing.csproj -c Release -o artifacts --nologo "$@"
        ;;
    bench)
        dll="$(build_quietly benchmarks/MongoSess.Benchmarks/MongoSess.Benchmarks.csproj)"
        out=BenchmarkDotNet.Artifacts
        mkdir -p "$out"
        rm -rf "$out/results"
        echo "running the benchmarks; the full log goes to $out/bench.log" >&2
        if ! dotnet "$dll" "$@" >"$out/bench.log" 2>&1; then
            tail -n 60 "$out/bench.log" >&2
            exit 1
        fi
        if compgen -G "$out/results/*-report.csv" >/dev/null; then
            # BenchmarkDotNet's own summary (environment, job, table), and what the benchmarks printed about themselves
            awk '/^\/\/ \* Summary \*/ { p = 1 } /^\/\/ \* (Warnings|Hints|Legends) \*/ { p = 0 } p' "$out/bench.log"
            grep -E '^// (typical|pool)' "$out/bench.log" | sort -u || true
        else
            # --list, --help and the like: no results, so show what it said
            cat "$out/bench.log"
        fi
        ;;
    load)
        dll="$(build_quietly benchmarks/MongoSess.Load/MongoSess.Load.csproj)"
        exec dotnet "$dll" "$@"
        ;;
    *)
        if [[ -n "$cmd" ]]; then echo "unknown command: $cmd" >&2; fi
        usage
        exit 2
        ;;
esac
