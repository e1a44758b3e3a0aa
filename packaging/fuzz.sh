#!/bin/sh
# packaging/fuzz.sh TARGET [SECONDS] [libFuzzer options...]
#
# A developer tool, not CI (CI replays the corpus through the same entry points, see
# tests/fuzz/CMakeLists.txt): builds one libFuzzer target with clang, ASan and UBSan in
# build/fuzz and runs it for SECONDS (default 60) on build/fuzz/corpus/TARGET, which starts
# from freshly generated seeds and tests/fuzz/regressions/TARGET. Crashes, timeouts and
# out-of-memory inputs land in build/fuzz/findings/TARGET/; an input that found a bug belongs,
# once fixed, in tests/fuzz/regressions/TARGET/.
#
# Targets: fuzz_dc fuzz_importer fuzz_certificate fuzz_targz fuzz_secret fuzz_bundle
set -eu

if [ $# -lt 1 ]; then
    sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
target=$1
seconds=${2:-60}
shift
[ $# -gt 0 ] && shift

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BATON_FUZZ_BUILD_DIR:-$source_dir/build/fuzz}

for tool in clang-14 clang++-14 cmake ninja; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fuzz.sh: $tool not found: apt-get install clang-14 libclang-rt-14-dev cmake ninja-build" >&2
        exit 2
    fi
done
if [ -z "$(find /usr/lib/llvm-14 -name 'libclang_rt.fuzzer-x86_64.a' 2>/dev/null)" ]; then
    echo "fuzz.sh: libFuzzer not found: apt-get install libclang-rt-14-dev" >&2
    exit 2
fi
case " fuzz_dc fuzz_importer fuzz_certificate fuzz_targz fuzz_secret fuzz_bundle " in
*" $target "*) ;;
*)
    echo "fuzz.sh: unknown target '$target'" >&2
    exit 2
    ;;
esac

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$source_dir" -B "$build_dir" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBATON_FUZZ=ON -DBATON_BUILD_GUI=OFF -DBATON_WERROR=ON
fi
cmake --build "$build_dir" --target "$target" fuzz-seeds

corpus=$build_dir/corpus/$target
findings=$build_dir/findings/$target
seeds=$build_dir/seeds
mkdir -p "$corpus" "$findings"
"$build_dir/tests/fuzz/fuzz-seeds" "$seeds" >/dev/null
regressions=$source_dir/tests/fuzz/regressions/$target
[ -d "$regressions" ] || regressions=

# Inputs are files of a few KB (the largest seeds are ~12 KB bundles); 64 KB leaves room to
# grow without letting the fuzzer spend its time on megabyte inputs the readers refuse anyway.
# A single input may take 10 s and 2 GB before it counts as a finding.
cd "$findings"
exec "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$@" \
    "$corpus" "$seeds/$target" $regressions
