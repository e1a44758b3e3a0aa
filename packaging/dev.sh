#!/bin/sh
# The two things a developer does on a fresh Debian 12 machine (README's Quick start):
#   packaging/dev.sh run [ARGS...]   install dependencies, build, launch the Baton desktop app
#   packaging/dev.sh test            install dependencies, build, run every test: a normal
#                                    build with warnings as errors, then the unit, CLI and
#                                    interop tests again under AddressSanitizer + UBSan
# .ci/run calls `packaging/dev.sh test`, so CI runs exactly what a developer runs.
set -eu
cd "$(dirname "$0")/.."

command=${1:-}
[ $# -gt 0 ] && shift

case "$command" in
run)
    ./packaging/install-deps.sh
    cmake --preset dev
    cmake --build --preset dev --target baton
    exec ./build/dev/app/baton/baton "$@"
    ;;
test)
    ./packaging/install-deps.sh
    cmake --preset ci
    cmake --build --preset ci
    ctest --preset ci
    cmake --preset asan
    cmake --build --preset asan
    ctest --preset asan
    ;;
*)
    echo "usage: packaging/dev.sh run [ARGS...] | test" >&2
    exit 2
    ;;
esac
