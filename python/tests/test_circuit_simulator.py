"""Gates, counts, bit order, dtypes and shapes of qsim's Python API, against
an independent numpy reference (Qiskit's matrices written out here), the C++
runner qsim-run and analytic values."""
import json
import math
import subprocess
import threading
import time

import numpy as np
import pytest

import qsim

# ---- an independent reference: Qiskit's gate matrices and a tensordot simulator
I2 = np.eye(2)
X = np.array([[0, 1], [1, 0]], complex)
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1, -1]).astype(complex)
H = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
S = np.diag([1, 1j])
T = np.diag([1, np.exp(1j * math.pi / 4)])
SX = np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2


def rx(t):
    return np.array([[math.cos(t / 2), -1j * math.sin(t / 2)], [-1j * math.sin(t / 2), math.cos(t / 2)]])


def ry(t):
    return np.array([[math.cos(t / 2), -math.sin(t / 2)], [math.sin(t / 2), math.cos(t / 2)]], complex)


def rz(t):
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def p(lam):
    return np.diag([1, np.exp(1j * lam)])


def u(t, ph, lam):
    return np.array([[math.cos(t / 2), -np.exp(1j * lam) * math.sin(t / 2)],
                     [np.exp(1j * ph) * math.sin(t / 2), np.exp(1j * (ph + lam)) * math.cos(t / 2)]])


def controlled(m, n_controls=1):
    """Controls are the low bits of the matrix index: targets listed after them."""
    d = m.shape[0]
    full = np.eye(d * 2 ** n_controls, dtype=complex)
    on = 2 ** n_controls - 1
    idx = [(t << n_controls) | on for t in range(d)]
    full[np.ix_(idx, idx)] = m
    return full


def kron_first_high(a, b):
    """Matrix of a on the second listed qubit (high bit) and b on the first (low bit)."""
    return np.kron(a, b)


SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], complex)
ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])


def expm_pauli(pp, t):
    return math.cos(t / 2) * np.eye(4) - 1j * math.sin(t / 2) * np.kron(pp, pp)


def apply(psi, n, m, qubits):
    """Applies matrix m (bit j of its index = qubits[j]) to the n-qubit state psi (bit i of the index = qubit i)."""
    k = len(qubits)
    t = psi.reshape([2] * n)  # axis a is qubit n-1-a
    axes = [n - 1 - q for q in reversed(qubits)]  # matrix index bits high..low = qubits[k-1]..qubits[0]
    mt = m.reshape([2] * (2 * k))
    out = np.tensordot(mt, t, axes=(list(range(k, 2 * k)), axes))
    out = np.moveaxis(out, list(range(k)), axes)
    return out.reshape(-1)


# (name, args to the qsim method, reference matrix, qubits in matrix order)
A, B, C = 0.37, -1.21, 2.05
GATES = [
    ("id", (1,), I2, [1]), ("x", (2,), X, [2]), ("y", (0,), Y, [0]), ("z", (1,), Z, [1]), ("h", (2,), H, [2]),
    ("s", (0,), S, [0]), ("sdg", (1,), S.conj().T, [1]), ("t", (2,), T, [2]), ("tdg", (0,), T.conj().T, [0]),
    ("sx", (1,), SX, [1]), ("sxdg", (2,), SX.conj().T, [2]),
    ("rx", (A, 0), rx(A), [0]), ("ry", (B, 1), ry(B), [1]), ("rz", (C, 2), rz(C), [2]), ("p", (A, 1), p(A), [1]),
    ("u", (A, B, C, 2), u(A, B, C), [2]),
    ("cx", (2, 0), controlled(X), [2, 0]), ("cy", (0, 1), controlled(Y), [0, 1]),
    ("cz", (1, 2), controlled(Z), [1, 2]), ("ch", (2, 1), controlled(H), [2, 1]),
    ("swap", (0, 2), SWAP, [0, 2]), ("iswap", (2, 1), ISWAP, [2, 1]),
    ("crx", (A, 1, 0), controlled(rx(A)), [1, 0]), ("cry", (B, 2, 0), controlled(ry(B)), [2, 0]),
    ("crz", (C, 0, 2), controlled(rz(C)), [0, 2]), ("cp", (A, 2, 1), controlled(p(A)), [2, 1]),
    ("cu", (A, B, C, 0.4, 1, 2), controlled(np.exp(0.4j) * u(A, B, C)), [1, 2]),
    ("rxx", (A, 0, 2), expm_pauli(X, A), [0, 2]), ("ryy", (B, 2, 1), expm_pauli(Y, B), [2, 1]),
    ("rzz", (C, 1, 0), expm_pauli(Z, C), [1, 0]),
    ("ccx", (2, 0, 1), controlled(X, 2), [2, 0, 1]),
    ("cswap", (1, 2, 0), controlled(SWAP), [1, 2, 0]),
]


def lopsided(n=3):
    """A state with distinct amplitudes on every basis state, from u gates (reference and qsim alike)."""
    c = qsim.Circuit(n)
    psi = np.zeros(2 ** n, complex)
    psi[0] = 1
    for q in range(n):
        angles = (0.3 + 0.7 * q, 0.2 - 0.5 * q, 0.9 * q - 0.1)
        c.u(*angles, q)
        psi = apply(psi, n, u(*angles), [q])
    c.cx(0, 1)
    psi = apply(psi, n, controlled(X), [0, 1])
    return c, psi


@pytest.mark.parametrize("name,args,matrix,qubits", GATES, ids=[g[0] for g in GATES])
@pytest.mark.parametrize("precision,tol", [("double", 1e-12), ("single", 2e-6)])
def test_every_gate_matches_the_reference_matrix(name, args, matrix, qubits, precision, tol):
    c, psi = lopsided()
    getattr(c, name)(*args)
    want = apply(psi, 3, matrix, qubits)
    got = qsim.Simulator(precision).statevector(c)
    assert np.abs(got - want).max() < tol


def test_mcx_and_unitary_follow_qiskit_bit_order():
    c, psi = lopsided(4)
    c.mcx([3, 0, 2], 1)
    psi = apply(psi, 4, controlled(X, 3), [3, 0, 2, 1])
    m = np.kron(ry(0.8), rx(0.3)) @ controlled(Z)  # any 2-qubit unitary
    c.unitary(m, [2, 0])
    psi = apply(psi, 4, m, [2, 0])
    assert np.abs(qsim.Simulator().statevector(c) - psi).max() < 1e-12


def test_bit_order_is_qiskits():
    c = qsim.Circuit(3)
    c.x(0).measure_all()
    assert qsim.Simulator().run(c, shots=10, seed=1) == {"001": 10}
    sv = qsim.Simulator().statevector(qsim.Circuit(3).x(0))
    assert sv[1] == 1  # basis index bit i is qubit i
    assert qsim.to_big_endian({"001": 10}) == {"100": 10}
    two = qsim.Circuit(2, 2)
    two.x(1).measure(0, 0).measure(1, 1)
    assert qsim.Simulator().run(two, shots=5, seed=0) == {"10": 5}


def test_ghz_counts_and_a_rotation_follow_their_probabilities():
    ghz = qsim.Circuit(3)
    ghz.h(0).cx(0, 1).cx(1, 2).measure_all()
    counts = qsim.Simulator().run(ghz, shots=4000, seed=3)
    assert set(counts) == {"000", "111"} and sum(counts.values()) == 4000
    assert abs(counts["000"] - 2000) < 5 * math.sqrt(1000)  # 5 sigma of a fair binomial
    theta, shots = 1.1, 20000
    c = qsim.Circuit(1)
    c.rx(theta, 0).measure_all()
    ones = qsim.Simulator().run(c, shots=shots, seed=9).get("1", 0)
    p1 = math.sin(theta / 2) ** 2
    assert abs(ones - shots * p1) < 5 * math.sqrt(shots * p1 * (1 - p1))
    assert qsim.Simulator().run(c, shots=100, seed=5) == qsim.Simulator(threads=2).run(c, shots=100, seed=5)


def random_circuit(n, gates, rng):
    c = qsim.Circuit(n)
    for _ in range(gates):
        name, args, _, _ = GATES[rng.integers(len(GATES))]
        qs = list(rng.permutation(n)[: sum(isinstance(a, int) for a in args)])
        args = [a for a in args if not isinstance(a, int)] + [int(q) for q in qs]
        getattr(c, name)(*args)
    return c


def test_counts_and_state_equal_the_cpp_runner(qsim_run, tmp_path):
    rng = np.random.default_rng(17)
    c = random_circuit(5, 40, rng)
    mid = c.copy()
    mid.measure_all()
    # mid-circuit measurement and reset: simulated shot by shot in both
    mid.reset(0).h(0).measure(0, 0)
    for i, circuit in enumerate([c.copy().measure_all(), mid]):
        f = tmp_path / f"c{i}.qasm"
        f.write_text(circuit.to_qasm())
        for precision, sim in [("double", qsim.Simulator()), ("float", qsim.Simulator("single"))]:
            out = subprocess.run([qsim_run, str(f), "--shots", "3000", "--seed", "77", "--json", "--precision",
                                  precision], capture_output=True, text=True, check=True).stdout
            cpp = json.loads(out)
            cpp = cpp.get("counts", cpp)
            assert sim.run(qsim.load_qasm(f), shots=3000, seed=77) == cpp
            assert sim.run(circuit, shots=3000, seed=77) == cpp
    f = tmp_path / "state.qasm"
    f.write_text(c.to_qasm())
    out = subprocess.run([qsim_run, str(f), "--statevector", "--json"], capture_output=True, text=True, check=True)
    amps = json.loads(out.stdout)["statevector"]
    cpp = np.array([complex(*amps[format(i, "05b")]) for i in range(32)])
    assert np.abs(qsim.Simulator().statevector(c) - cpp).max() < 1e-9


def test_numpy_results_have_the_right_dtypes_shapes_and_share_memory():
    c = qsim.Circuit(4)
    c.h(0).cx(0, 3).ry(0.3, 2)
    for precision, dtype in [("double", np.complex128), ("single", np.complex64)]:
        sv = qsim.Simulator(precision).statevector(c)
        assert sv.dtype == dtype and sv.shape == (16,) and sv.flags.c_contiguous
        assert not sv.flags.owndata and type(sv.base).__name__ == "PyCapsule"  # the C++ buffer, not a copy
        assert abs(np.vdot(sv, sv) - 1) < 1e-6
    probs = qsim.Simulator().probabilities(c)
    sv = qsim.Simulator().statevector(c)
    assert probs.dtype == np.float64 and probs.shape == (16,)
    assert np.allclose(probs, np.abs(sv) ** 2, atol=1e-14)
    samples = qsim.Simulator().sample(c, shots=500, seed=4)
    assert samples.dtype == np.uint64 and samples.shape == (500,)
    assert set(np.unique(samples)) <= set(np.flatnonzero(probs > 1e-12))


def pauli_matrix(text, n):
    """The dense operator of a Pauli string such as "X0 Y2" (qubit 0 the lowest index bit)."""
    ops = [I2] * n
    for item in text.split():
        ops[int(item[1:])] = dict(X=X, Y=Y, Z=Z)[item[0]]
    m = np.eye(1)
    for q in reversed(range(n)):
        m = np.kron(m, ops[q])
    return m


def test_expectation_of_circuits_and_states():
    theta = 0.8
    c = qsim.Circuit(2)
    c.ry(theta, 0).cx(0, 1)
    sim = qsim.Simulator()
    terms = [(0.5, "Z0"), (-1.2, "X1"), (0.3, "Y0 Y1")]
    h = qsim.PauliSum(terms)
    sv = sim.statevector(c)
    ref = sum(coef * np.vdot(sv, pauli_matrix(s, 2) @ sv).real for coef, s in terms)
    assert abs(sim.expectation(c, qsim.PauliSum([(1.0, "Z0 Z1")])) - 1) < 1e-12  # cos^2 + sin^2 on |00>, |11>
    assert abs(sim.expectation(c, qsim.PauliSum("Z0")) - math.cos(theta)) < 1e-12
    assert abs(sim.expectation(c, h) - ref) < 1e-12
    assert abs(sim.expectation(sv, h) - ref) < 1e-12
    assert abs(sim.expectation(sv.astype(np.complex64), h) - ref) < 1e-6
    assert h.terms == terms


def test_weights_and_features_bind_to_parameters():
    c = qsim.Circuit(2)
    c.rx(qsim.weight(0), 0).ry(qsim.feature(0, scale=2.0, offset=0.1), 1)
    sv = qsim.Simulator().statevector(c, weights=[0.4], features=[0.3])
    want = np.kron(ry(0.7) @ np.array([1, 0]), rx(0.4) @ np.array([1, 0]))
    assert np.abs(sv - want).max() < 1e-12
    assert c.num_weights == 1 and c.num_features == 1


def test_classical_control_reset_and_barrier():
    c = qsim.Circuit(2, 2)
    c.x(0).measure(0, 0).x(1).c_if("c", 1).barrier().measure(1, 1)
    assert qsim.Simulator().run(c, shots=50, seed=1) == {"11": 50}
    r = qsim.Circuit(1, 1)
    r.x(0).reset(0).measure(0, 0)
    assert qsim.Simulator().run(r, shots=20, seed=1) == {"0": 20}


def test_qasm_round_trip(source_dir):
    ghz = qsim.load_qasm(f"{source_dir}/examples/ghz.qasm")
    again = qsim.from_qasm(ghz.to_qasm())
    assert again.to_qasm() == ghz.to_qasm()
    assert qsim.Simulator().run(again, shots=200, seed=2) == qsim.Simulator().run(ghz, shots=200, seed=2)


def test_templates_have_pennylanes_weight_counts():
    c = qsim.Circuit(3)
    qsim.angle_embedding(c, 3, rotation="Y")
    assert qsim.strongly_entangling_layers(c, 2, 3) == math.prod(qsim.strongly_entangling_shape(2, 3)) == 18
    assert qsim.basic_entangler_layers(c, 2, 3, first_weight=18) == math.prod(qsim.basic_entangler_shape(2, 3))
    assert qsim.hardware_efficient_ansatz(c, 1, 3, first_weight=24) == 6
    assert c.num_weights == 30 and c.num_features == 3


def test_plot_histogram_returns_a_figure(tmp_path):
    from matplotlib.figure import Figure

    fig = qsim.plot_histogram({"000": 510, "111": 514}, title="GHZ")
    assert isinstance(fig, Figure)
    heights = [b.get_height() for b in fig.axes[0].patches]
    assert heights == pytest.approx([510 / 1024, 514 / 1024])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["000", "111"]
    fig.savefig(tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_gil_is_released_during_simulation():
    n = 21
    c = qsim.Circuit(n)
    for layer in range(12):
        for q in range(n):
            c.rx(0.1 * layer + 0.01 * q, q)
    sim = qsim.Simulator(threads=1, fusion=False)
    gaps, call, done = [], [], threading.Event()

    def work():
        t0 = time.perf_counter()
        sim.statevector(c)
        call.append(time.perf_counter() - t0)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    last = time.perf_counter()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    t.join()
    # With the GIL held, the main thread would stall for the whole call.
    assert call[0] > 0.05, "the circuit ran too fast to tell"
    assert max(gaps) < call[0] / 2


def test_cache_blocking_gives_the_unblocked_state():
    rng = np.random.default_rng(5)
    n = 10
    c = qsim.Circuit(n)
    for layer in range(6):
        for q in range(n):
            c.rx(float(rng.uniform(-3, 3)), q)
        for q in range(n - 1):
            c.cx(q, q + 1)
        c.cp(0.3, n - 1, 0)
    off = qsim.Simulator(cache_blocking="off").statevector(c)
    on = qsim.Simulator(cache_blocking="on", chunk_qubits=4, threads=2)
    assert on.cache_blocking == "on"
    assert np.allclose(on.statevector(c), off, atol=1e-12)
    with pytest.raises(ValueError, match="cache_blocking must be"):
        qsim.Simulator(cache_blocking="sometimes")
    with pytest.raises(ValueError, match="chunk_qubits 31"):
        qsim.Simulator(chunk_qubits=31)


def dense_unitary(c):
    """The circuit's unitary, column by column from basis states prepared with x gates."""
    n = c.num_qubits
    cols = []
    for k in range(2**n):
        prep = qsim.Circuit(n)
        for q in range(n):
            if (k >> q) & 1:
                prep.x(q)
        cols.append(qsim.Simulator().statevector(prep.compose(c)))
    return np.array(cols).T


def test_circuit_algebra_inverse_compose_depth_count_ops():
    rng = np.random.default_rng(3)
    c = random_circuit(3, 30, rng)
    u = dense_unitary(c)
    assert np.abs(dense_unitary(c.inverse()) - u.conj().T).max() < 1e-10
    assert np.abs(qsim.Simulator().statevector(c.compose(c.inverse()))[0]) == pytest.approx(1, abs=1e-10)
    bell = qsim.Circuit(2)
    bell.h(0).cx(0, 1)
    big = qsim.Circuit(3)
    mapped = big.compose(bell, qubits=[2, 0])
    sv = qsim.Simulator().statevector(mapped)
    assert abs(sv[0b000]) ** 2 == pytest.approx(0.5) and abs(sv[0b101]) ** 2 == pytest.approx(0.5)
    assert len(big) == 0  # compose returns a new circuit
    ghz = qsim.Circuit(3)
    ghz.h(0).cx(0, 1).cx(1, 2).measure_all()
    assert ghz.depth() == 4
    assert list(ghz.count_ops().items()) == [("measure", 3), ("cx", 2), ("h", 1), ("barrier", 1)]
    p = qsim.Circuit(1)
    p.rx(qsim.weight(0), 0).ry(qsim.feature(2), 0).rz(qsim.weight(0), 0)
    assert p.num_parameters == 2
    with pytest.raises(ValueError, match="measure .* has no inverse"):
        ghz.inverse()
    with pytest.raises(ValueError, match="out of range"):
        big.compose(bell, qubits=[0, 3])


def test_prepare_state_and_initialize():
    rng = np.random.default_rng(8)
    amps = rng.normal(size=8) + 1j * rng.normal(size=8)
    amps /= np.linalg.norm(amps)
    c = qsim.Circuit(3)
    c.prepare_state(amps, [0, 1, 2])
    assert np.abs(qsim.Simulator().statevector(c) - amps).max() < 1e-12
    d = qsim.Circuit(2)
    d.x(0).initialize([0, 1, 0, 0], [1, 0])  # bit 0 of the index is qubit 1: |q1=1, q0=0>
    assert abs(qsim.Simulator().statevector(d, seed=1)[0b10]) == pytest.approx(1, abs=1e-12)
    with pytest.raises(ValueError, match="norm"):
        qsim.Circuit(1).prepare_state([1, 1], [0])


def test_pauli_sum_from_label_and_text():
    c = qsim.Circuit(3)
    c.h(0).cx(0, 1).cx(1, 2)
    sim = qsim.Simulator()
    assert sim.expectation(c, qsim.PauliSum.from_text("0.5*Z0 Z1 - X0 X1 X2 + 2")) == pytest.approx(1.5)
    assert sim.expectation(c, qsim.PauliSum.from_label("XXX", 0.25)) == pytest.approx(0.25)
    h = qsim.PauliSum.from_text("0.5*Z0 Z1 - X2")
    assert qsim.PauliSum.from_text(h.text()).terms == h.terms == [(0.5, "Z0 Z1"), (-1.0, "X2")]
    assert qsim.PauliSum.from_label("XIZ").terms == [(1.0, "Z0 X2")]
    with pytest.raises(ValueError, match="malformed observable"):
        qsim.PauliSum.from_text("0.5 Z0")


def test_qsim_run_npy_is_what_numpy_loads(qsim_run, tmp_path):
    rng = np.random.default_rng(21)
    c = random_circuit(4, 25, rng)
    f = tmp_path / "c.qasm"
    f.write_text(c.to_qasm())
    for precision, dtype in [("double", np.complex128), ("float", np.complex64)]:
        out = tmp_path / f"state_{precision}.npy"
        subprocess.run([qsim_run, str(f), "--statevector", "--precision", precision, "--npy", str(out)], check=True)
        sv = np.load(out)
        assert sv.dtype == dtype and sv.shape == (16,)
        assert np.abs(sv - qsim.Simulator().statevector(c)).max() < 1e-6
    out = tmp_path / "probs.npy"
    subprocess.run([qsim_run, str(f), "--probabilities", "--npy", str(out)], check=True)
    probs = np.load(out)
    assert probs.dtype == np.float64 and np.abs(probs - qsim.Simulator().probabilities(c)).max() < 1e-12
    value = subprocess.run([qsim_run, str(f), "--expectation", "0.5*Z0 Z1 - X2"], capture_output=True, text=True,
                           check=True).stdout
    assert float(value.split(":")[1]) == pytest.approx(
        qsim.Simulator().expectation(c, qsim.PauliSum.from_text("0.5*Z0 Z1 - X2")), abs=1e-12)


def test_angle_expressions_weight_groups_and_feature_maps():
    w, x = qsim.weight, qsim.feature
    e = (math.pi - x(0)) * (math.pi - x(1))
    assert e.kind == "expression"
    assert e.index is None and e.scale is None and e.offset is None  # no affine form to report
    a = 2 * w(3) + 0.5
    assert (a.index, a.scale, a.offset) == (3, 2.0, 0.5)
    assert e.value(features=[0.4, 2.5]) == pytest.approx((math.pi - 0.4) * (math.pi - 2.5))
    assert (2 * w(3) + 0.5).kind == "weight"  # affine results stay affine
    with pytest.raises(TypeError):
        w(0) + "a"  # NotImplemented from both sides: Python's own TypeError
    s = qsim.sin(w(0)) * x(0) / 2
    assert s.value(weights=[0.7], features=[1.5]) == pytest.approx(math.sin(0.7) * 1.5 / 2)
    # Gradients through the expression: the torch layer against finite differences.
    c = qsim.Circuit(2)
    c.h(0).ry(qsim.sin(w(0)) * x(0), 0).cx(0, 1).rz(w(1) * w(0) - x(1), 1).rx(x(0) * x(1), 1)
    h = [qsim.PauliSum("Z0 Z1"), qsim.PauliSum("X1")]
    weights, feats = np.array([0.3, -1.1]), np.array([0.8, 1.9])

    def value(wv, fv):
        sim = qsim.Simulator()
        return sum(sim.expectation(c, o, weights=wv, features=fv) for o in h)

    eps = 1e-6
    fd = [(value(weights + eps * np.eye(2)[k], feats) - value(weights - eps * np.eye(2)[k], feats)) / (2 * eps)
          for k in range(2)]
    import torch
    from qsim.torch import QuantumLayer
    layer = QuantumLayer(c, h)
    with torch.no_grad():
        layer.weights.copy_(torch.tensor(weights))
    out = layer(torch.tensor(feats).reshape(1, 2)).sum()
    out.backward()
    assert out.item() == pytest.approx(value(weights, feats), abs=1e-12)
    assert np.allclose(layer.weights.grad.numpy(), fd, atol=1e-7)
    # Shaped weights.
    rot = qsim.WeightGroup((2, 3, 3))
    assert rot[1, 2, 0].index == 15 and rot.end == 18 and rot.size == 18
    with pytest.raises(ValueError, match="out of range for dimension 0"):
        rot[2, 0, 0]
    # ZZFeatureMap against the analytic phases (reps=1: H on every qubit, then diagonal phases).
    f = np.array([0.4, -1.3])
    zz = qsim.Circuit(2)
    qsim.zz_feature_map(zz, 2, reps=1)
    sv = qsim.Simulator().statevector(zz, features=f)
    for k in range(4):
        b0, b1 = k & 1, (k >> 1) & 1
        phase = 2 * f[0] * b0 + 2 * f[1] * b1 + 2 * (math.pi - f[0]) * (math.pi - f[1]) * (b0 ^ b1)
        assert abs(sv[k] - np.exp(1j * phase) / 2) < 1e-12
    assert "P(2*(-x[0] + π)*(-x[1] + π))" in zz.draw(width=0)
    iqp = qsim.Circuit(2)
    qsim.iqp_embedding(iqp, 2)
    assert dict(iqp.count_ops()) == {"h": 2, "rz": 2, "rzz": 1}


def test_draw_prints_the_circuit():
    c = qsim.Circuit(2)
    c.h(0).cx(0, 1).measure_all()
    text = c.draw()
    assert str(c) == text
    lines = text.split("\n")
    assert lines[1].startswith("   q_0: ┤ H ├") and "meas: 2/" in text
    assert len({len(line) for line in lines}) == 1  # every line equally wide
