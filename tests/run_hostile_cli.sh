#!/usr/bin/env bash
# Runs the hostile command lines of tests/hostile_cli.tsv: each must end with
# its expected exit code (2 and a one-line message for bad input, never a
# crash, a hang or an unbounded allocation) and print its expected fragment,
# within its memory cap (ulimit -v) and 120 s.
# Usage: run_hostile_cli.sh QSIM_RUN GHZ UNIFORM SOURCE_DIR WORK_DIR [nocap]
set -uo pipefail
export QSIM_RUN=$1 GHZ=$2 UNIFORM=$3
src=$4
export WORK=$5
nocap=${6:-}
mkdir -p "$WORK"

prepare() {
  cp "$src/examples/ghz.qasm" "$WORK/ghz.qasm"
  printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q[0] -> c[0];\nreset q[0];\n' >"$WORK/mid.qasm"
  printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0], q[1];\n' >"$WORK/bad.qasm"
  { printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\n'; yes 'x q[0];' | head -n 5000000; } >"$WORK/lines.qasm"
  { printf 'OPENQASM 2.0;\nqreg q[1];\ngate g a { }\n'; yes 'g q[0];' | head -n 5000000; } >"$WORK/empty_calls.qasm"
  {
    printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[12];\ncreg c[65536];\nh q;\n'
    for i in $(seq 0 11); do printf 'measure q[%d] -> c[%d];\n' "$i" "$i"; done
  } >"$WORK/wide_creg.qasm"
  for n in 22 28 34 62; do
    printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[%d];\nx q;\n' "$n" >"$WORK/q$n.qasm"
  done
}
prepare

failures=0 ran=0 skipped=0
while IFS=$'\t' read -r name cap want fragment command; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [[ "$cap" != 0 && -n "$nocap" ]]; then
    echo "skip $name (no memory cap in this build)"
    skipped=$((skipped + 1))
    continue
  fi
  limit=""
  [[ "$cap" != 0 ]] && limit="ulimit -v $((cap * 1024));"
  out=$(timeout 120 bash -o pipefail -c "$limit $command" 2>&1 >"$WORK/$name.stdout")
  code=$?
  out="$out"$'\n'"$(cat "$WORK/$name.stdout")"
  ran=$((ran + 1))
  if [[ "$code" != "$want" ]] || [[ "$out" != *"$fragment"* ]]; then
    echo "FAIL $name: exit $code (want $want), output:"
    printf '%s\n' "$out" | head -c 2000
    echo
    failures=$((failures + 1))
  else
    echo "ok   $name (exit $code)"
  fi
  rm -f "$WORK/$name.stdout"
done <"$src/tests/hostile_cli.tsv"
echo "$ran cases ran, $skipped skipped, $failures failed"
[[ $failures -eq 0 ]]
