#!/usr/bin/env bash
# The whole test suite (README command 2; .ci/run calls it): the builds
#   native     Release with -march=native (the default build). Besides ctest's own runs it holds the
#              checks of the code a consumer compiling without flags gets: every test whose results can
#              depend on the instruction set once more on the prebuilt baseline (SSE2) kernels
#              (QSIM_KERNEL_ARCH=sse2), and the header-only kernels compiled without -march
#              (test_kernels_header_only_portable). The other headers are compiled with -march=native only:
#              their rounding without FMA contraction is what the portable build below still adds
#   sanitize   AddressSanitizer + UndefinedBehaviorSanitizer, -fno-sanitize-recover, at -O0 -g1:
#              GCC 12 needs minutes per file to optimise the instrumented SIMD kernel templates
#              (-O1: 6 min for examples/ghz.cpp, -O0: 17 s); -g1 keeps line tables for the reports
#   fuzz       the libFuzzer targets (clang: OpenQASM, qsim-run arguments, C++ API), 30 s each, with a
#              fixed seed (QSIM_FUZZ_SEED, default 1): the same search every run, not a lottery
#   portable   (on request only, 6 more minutes: native's SSE2 runs cover its kernels; it adds the other
#              headers compiled without -march) no -march=native for the tests either; the prebuilt kernels'
#              baseline build alone; no MPI, examples or qsim-run; only the tests whose results can depend on
#              the instruction set
# The consumer projects (packaging) configure qsim afresh, whatever this build's flags: native build only.
# Each build runs ctest; native also runs each benchmark row kind once on small n. Build folders: build-test-<name>. Pass build names to run a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
builds=("$@")
[ ${#builds[@]} -eq 0 ] && builds=(native sanitize fuzz)

for b in "${builds[@]}"; do
  case "$b" in
    native) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
    sanitize) flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DQSIM_SANITIZE=ON -DQSIM_BUILD_BENCH=OFF
                     -DQSIM_TEST_CONSUMERS=OFF) ;;
    portable) flags=(-DCMAKE_BUILD_TYPE=Release -DQSIM_NATIVE=OFF -DQSIM_BUILD_BENCH=OFF -DQSIM_BUILD_PYTHON=OFF
                     -DQSIM_BUILD_EXAMPLES=OFF -DQSIM_BUILD_CLI=OFF -DQSIM_KERNEL_BUILDS=baseline
                     -DQSIM_WITH_MPI=OFF -DQSIM_TEST_CONSUMERS=OFF -DQSIM_TESTS_ISA_ONLY=ON) ;;
    fuzz) echo "=== build: fuzz (at ${SECONDS} s)"; QSIM_FUZZ_SEED=${QSIM_FUZZ_SEED:-1} bash tests/fuzz/run_fuzz.sh 30 build-test-fuzz
          echo "=== fuzz done at ${SECONDS} s"; continue ;;
    *) echo "unknown build '$b' (native, sanitize, portable, fuzz)" >&2; exit 2 ;;
  esac
  echo "=== build: $b (at ${SECONDS} s)"
  cmake -S . -B "build-test-$b" "${flags[@]}" >/dev/null
  cmake --build "build-test-$b" -j"$jobs"
  echo "=== $b built at ${SECONDS} s"
  (cd "build-test-$b" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j"$jobs")
  if [ "$b" = native ]; then
    # Benchmark smoke run: every kind of row once, on small states (seconds).
    echo "=== benchmark smoke run"
    for bench in "build-test-$b"/bench/bench_*; do
      [ -x "$bench" ] || continue
      "$bench" --benchmark_filter='(/n:12/|n:20/threads:1|^sample|^BM_)' --benchmark_min_time=0.000001 >/dev/null
    done
  fi
done
echo "=== all builds passed: ${builds[*]} (${SECONDS} s; CI keeps under 40 minutes)"
