OPENQASM 2.0;
opaque magic(a, b) x, y;
qreg q[2];
CX q[0], q[1];
U(pi, 0, pi) q[1];
