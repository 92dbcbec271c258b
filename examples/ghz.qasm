// examples/ghz.cpp as OpenQASM 2.0: `qsim-run examples/ghz.qasm` prints what `ghz` prints.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg meas[3];  // Circuit::measure_all() names its register "meas"
h q[0];
cx q[0],q[1];
cx q[1],q[2];
barrier q;     // measure_all() puts a barrier before the measurements
measure q -> meas;
