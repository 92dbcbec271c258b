include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
measure q[0] -> c[0];
if (c == 1) x q[1];
reset q[0];
if(c==0) u1(-pi/4) q[0];
measure q -> c;
