#!/usr/bin/env bash
# check_layers.sh must refuse a copy of the headers with one upward include
# (a kernel header including the circuit layer) and one core header that
# includes Eigen, and accept the unchanged copy.
# Usage: check_layers_selftest.sh CHECK_SCRIPT INCLUDE_DIR WORK_DIR
set -euo pipefail
check=$1 include=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cp -r "$include" "$work/good"
bash "$check" "$work/good" >/dev/null
cp -r "$include" "$work/upward"
echo '#include "qsim/circuit/circuit.hpp"' >>"$work/upward/qsim/kernels/parallel.hpp"
if bash "$check" "$work/upward" 2>"$work/upward.log"; then
  echo "check_layers accepted kernels/parallel.hpp including circuit/circuit.hpp" >&2
  exit 1
fi
grep -q "kernels/parallel.hpp includes qsim/circuit/circuit.hpp" "$work/upward.log"
cp -r "$include" "$work/eigen"
echo '#include <Eigen/Dense>' >>"$work/eigen/qsim/simulator/simulator.hpp"
if bash "$check" "$work/eigen" 2>"$work/eigen.log"; then
  echo "check_layers accepted simulator.hpp including Eigen" >&2
  exit 1
fi
grep -q "simulator/simulator.hpp is part of qsim::core" "$work/eigen.log"
echo "check_layers_selftest: both wrong includes found"
