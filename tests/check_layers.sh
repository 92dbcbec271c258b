#!/usr/bin/env bash
# The headers' layers point one way. Each module (a folder of include/qsim)
# may include only the modules listed for it below; the umbrella headers
# (qsim.hpp, core.hpp, mpi.hpp) may include anything. The headers of
# qsim::core never include Eigen, <filesystem> or dlopen's <dlfcn.h>.
# Usage: check_layers.sh INCLUDE_DIR
set -euo pipefail
root=${1:?usage: check_layers.sh INCLUDE_DIR}/qsim
declare -A allowed=(
  [core]="core detail"
  [detail]="core detail"
  [gates]="core detail gates"
  [kernels]="core detail gates kernels"
  [channels]="core detail gates kernels channels"
  [circuit]="core detail gates kernels channels circuit"
  [fusion]="core detail gates kernels circuit fusion"
  [blocking]="core detail gates kernels circuit fusion blocking"
  [measure]="core detail gates kernels circuit measure"
  [simulator]="core detail gates kernels channels circuit fusion blocking measure simulator"
  [noise]="core detail gates kernels channels circuit fusion blocking measure simulator io noise"
  [qasm]="core detail gates circuit qasm"
  [io]="core detail measure io"
  [ml]="core detail gates kernels channels circuit fusion blocking measure simulator io noise ml"
  [energy]="core detail gates kernels circuit fusion blocking measure simulator energy"
  [mpi]="core detail gates kernels channels circuit fusion blocking measure simulator io noise ml mpi"
)
core_modules="core detail gates kernels channels circuit fusion blocking measure simulator noise qasm io"
status=0
checked=0
while IFS= read -r header; do
  rel=${header#"$root"/}
  module=${rel%%/*}
  [ "$module" = "$rel" ] && continue  # an umbrella header
  if [ -z "${allowed[$module]+x}" ]; then
    echo "check_layers: $rel: module '$module' has no entry in the layer table" >&2
    status=1
    continue
  fi
  checked=$((checked + 1))
  while IFS= read -r included; do
    dep=${included%%/*}
    case " ${allowed[$module]} " in
      *" $dep "*) ;;
      *) echo "check_layers: $rel includes qsim/$included: $module may include only: ${allowed[$module]}" >&2
         status=1 ;;
    esac
  done < <(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"qsim/\([^"]*\)".*|\1|p' "$header")
  case " $core_modules " in
    *" $module "*)
      if grep -En '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(Eigen/|unsupported/Eigen|filesystem>|dlfcn\.h>)' "$header" >&2; then
        echo "check_layers: $rel is part of qsim::core and includes one of Eigen, <filesystem>, <dlfcn.h>" >&2
        status=1
      fi ;;
  esac
done < <(find "$root" -name '*.hpp' | sort)
if [ "$checked" -lt 20 ]; then
  echo "check_layers: only $checked headers found under $root" >&2
  exit 1
fi
[ "$status" -eq 0 ] && echo "check_layers: $checked headers, every include points down"
exit "$status"
