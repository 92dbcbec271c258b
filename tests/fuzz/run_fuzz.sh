#!/usr/bin/env bash
# Builds the OpenQASM libFuzzer target with clang (-fsanitize=fuzzer,address,undefined)
# and runs it for SECONDS (default 45) from the committed seed corpus. New
# inputs go to a scratch folder, never into tests/fuzz/corpus. A finding
# (crash, leak, timeout, property violation) exits non-zero and leaves the
# input as crash-*/leak-*/timeout-* in the build folder.
# Usage: bash tests/fuzz/run_fuzz.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${1:-45}
build=${2:-build-fuzz}
cxx=${QSIM_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}
if [ -z "$cxx" ]; then
  echo "run_fuzz.sh: clang++ not found (install clang and libclang-rt-14-dev)" >&2
  exit 1
fi
mkdir -p "$build/scratch-corpus"
"$cxx" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Iinclude -I/usr/include/eigen3 tests/fuzz/fuzz_qasm.cpp -o "$build/fuzz_qasm"
cd "$build"
UBSAN_OPTIONS=print_stacktrace=1 ./fuzz_qasm -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -dict="$root/tests/fuzz/qasm.dict" -print_final_stats=1 scratch-corpus "$root/tests/fuzz/corpus"
