OPENQASM 2.0;
include "qelib1.inc";
gate g a { h a; }
gate g2 a { g a; g a; }
gate g3 a { g2 a; g2 a; }
qreg q[2];
g3 q;
cx q[0], q[0];
