#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined)
# and runs each for SECONDS (default 45) from its committed seed corpus:
#   qasm  OpenQASM text: parse, export, re-parse, run (tests/fuzz/corpus)
#   cli   qsim-run's argument parser (tests/fuzz/corpus_cli)
#   api   circuits and gates built through the C++ API (tests/fuzz/corpus_api)
# New inputs go to scratch folders, never into the committed corpora. A
# finding (crash, leak, timeout, property violation) exits non-zero and leaves
# the input as crash-*/leak-*/timeout-* in the build folder.
# QSIM_FUZZ_SEED (a positive number) fixes libFuzzer's random seed and starts
# from the committed corpus alone (the scratch folder is emptied): every run
# makes the same search, and a faster or slower machine only goes further or
# less far along it. The test suite sets it, so a CI verdict does not hang on
# a lucky draw. Unset (or 0), every run explores anew from what earlier runs
# kept, which is what a long hunt wants; the log names the seed it drew.
# Usage: bash tests/fuzz/run_fuzz.sh [SECONDS] [BUILD_DIR] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${1:-45}
build=${2:-build-fuzz}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(qasm cli api)
cxx=${QSIM_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}
if [ -z "$cxx" ]; then
  echo "run_fuzz.sh: clang++ not found (install clang and libclang-rt-14-dev)" >&2
  exit 1
fi
mkdir -p "$build/obj"
# Everything compiles in parallel; the gate kernels, the heavy part, once
# for all targets, as the prebuilt library (src/): the baseline and AVX2
# builds and the dispatcher, so the fuzzed runs use the build this CPU picks.
flags=(-std=c++17 -g -O1 -fno-sanitize-recover=all -Iinclude -Isrc)
nolink=-fsanitize=fuzzer-no-link,address,undefined
pids=()
kernels=()
for t in "${targets[@]}"; do
  [ "$t" = cli ] || kernels=("$build/obj/kernels_baseline.o" "$build/obj/kernels_avx2.o" "$build/obj/kernels_dispatch.o")
done
if [ ${#kernels[@]} -gt 0 ]; then
  # -O0: clang needs 8 minutes per precision at -O1 with the sanitizers,
  # and the fuzzed states have at most 8 qubits.
  "$cxx" "${flags[@]}" -O0 "$nolink" -DQSIM_KERNEL_BUILD=baseline -c src/kernels_arch.cpp -o "$build/obj/kernels_baseline.o" &
  pids+=($!)
  "$cxx" "${flags[@]}" -O0 "$nolink" -DQSIM_KERNEL_BUILD=avx2 -mavx2 -mfma -c src/kernels_arch.cpp -o "$build/obj/kernels_avx2.o" &
  pids+=($!)
  "$cxx" "${flags[@]}" "$nolink" -DQSIM_PREBUILT_KERNELS -DQSIM_BUILD_BASELINE -DQSIM_BUILD_AVX2 -c src/kernels_dispatch.cpp \
    -o "$build/obj/kernels_dispatch.o" &
  pids+=($!)
fi
for t in "${targets[@]}"; do
  "$cxx" "${flags[@]}" "$nolink" -DQSIM_PREBUILT_KERNELS -c tests/fuzz/fuzz_"$t".cpp -o "$build/obj/fuzz_$t.o" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for t in "${targets[@]}"; do
  objs=("$build/obj/fuzz_$t.o")
  [ "$t" = cli ] || objs+=("${kernels[@]}")
  "$cxx" -fsanitize=fuzzer,address,undefined "${objs[@]}" -o "$build/fuzz_$t"
done
cd "$build"
for t in "${targets[@]}"; do
  corpus="$root/tests/fuzz/corpus"
  [ "$t" = qasm ] || corpus="$root/tests/fuzz/corpus_$t"
  extra=()
  [ "$t" = qasm ] && extra=(-dict="$root/tests/fuzz/qasm.dict")
  if [ -n "${QSIM_FUZZ_SEED:-}" ]; then
    extra+=(-seed="$QSIM_FUZZ_SEED")
    [ "$QSIM_FUZZ_SEED" = 0 ] || rm -rf "scratch-$t"
  fi
  mkdir -p "scratch-$t"
  echo "=== fuzz target $t: ${seconds} s"
  UBSAN_OPTIONS=print_stacktrace=1 ./fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 "${extra[@]}" -print_final_stats=1 "scratch-$t" "$corpus"
done
