OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[1];
creg d[1];
gate syndrome a, b { cx a, b; }
x q[0]; syndrome q[0], q[1];
measure q[1] -> d[0];
if (d == 1) x q[0];
measure q[0] -> c[0];
