// comments
OPENQASM 2.0; /* block
comment */ include "qelib1.inc";
qreg q[1];
rx(sin(pi/6) + cos(0) * tan(pi/4) - exp(1) / ln(2) ^ sqrt(4)) q[0];
ry(-2^-2 + 1e-3 + .5 + 5. + 2E+2) q[0];
