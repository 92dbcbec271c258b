OPENQASM 2.0;
include "qelib1.inc";
gate inner(t) a { rz(t/2) a; U(t, -pi/2, pi/2) a; }
gate outer(t, s) a, b {
  inner(t*2 - s^2) a;
  cx a, b;
  inner(-(t + s) / 3) b;
  barrier a, b;
}
qreg q[2];
outer(0.25, -1.5e-1) q[0], q[1];
