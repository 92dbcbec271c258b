"""Noise from Python: channels on circuits, the noise model, both methods."""
import math

import numpy as np
import pytest

import qsim


def test_density_matrix_of_a_depolarized_plus_state():
    c = qsim.Circuit(1)
    c.h(0).depolarizing(0.3, 0)
    rho = qsim.DensityMatrixSimulator().density_matrix(c)
    assert rho.shape == (2, 2)
    # <X> = 2 Re rho_01 shrinks by 1 - 4p/3.
    assert 2 * rho[0, 1].real == pytest.approx(1 - 4 * 0.3 / 3)
    assert np.trace(rho).real == pytest.approx(1.0)


def test_amplitude_damping_and_kraus_agree():
    g = 0.25
    a = qsim.Circuit(1)
    a.x(0).amplitude_damping(g, 0)
    b = qsim.Circuit(1)
    b.x(0).kraus([np.array([[1, 0], [0, math.sqrt(1 - g)]]), np.array([[0, math.sqrt(g)], [0, 0]])], 0)
    dm = qsim.DensityMatrixSimulator()
    np.testing.assert_allclose(dm.probabilities(a), [g, 1 - g])
    np.testing.assert_allclose(dm.density_matrix(a), dm.density_matrix(b), atol=1e-12)


def test_noise_model_with_both_methods_gives_the_readout_frequencies():
    ghz = qsim.Circuit(2)
    ghz.h(0).cx(0, 1).measure_all()
    model = qsim.NoiseModel()
    model.add_all_qubit_readout_error(qsim.ReadoutError(0.1, 0.2))
    expected = {"00": 0.5 * 0.81 + 0.5 * 0.04, "11": 0.5 * 0.01 + 0.5 * 0.64}
    for method in ("trajectories", "density_matrix"):
        counts = qsim.NoisySimulator(model, method=method).run(ghz, shots=20000, seed=3)
        assert sum(counts.values()) == 20000
        for key, p in expected.items():
            assert counts[key] / 20000 == pytest.approx(p, abs=0.015)


def test_noise_model_inserts_channels_and_chooses_a_method():
    model = qsim.NoiseModel()
    model.add_all_qubit_error(qsim.channels.depolarizing(0.01), ["h"])
    c = qsim.Circuit(2)
    c.h(0).h(1).measure_all()
    assert len(model.apply(c)) == len(c) + 2
    sim = qsim.NoisySimulator(model)
    assert sim.method_for(c, 1000) == "density_matrix"
    assert qsim.NoisySimulator(model, max_density_qubits=1).method_for(c, 1000) == "trajectories"
    # Trajectories with the same seed repeat; the counts follow the exact probabilities.
    traj = qsim.Simulator().run(model.apply(c), shots=4000, seed=1)
    assert traj == qsim.Simulator().run(model.apply(c), shots=4000, seed=1)


def test_bad_noise_input_raises_value_errors():
    c = qsim.Circuit(1)
    with pytest.raises(ValueError, match="p must be in"):
        c.depolarizing(1.5, 0)
    with pytest.raises(ValueError, match="not trace preserving"):
        qsim.channels.kraus([np.eye(2), np.eye(2)])
    with pytest.raises(ValueError, match="method must be"):
        qsim.NoisySimulator(qsim.NoiseModel(), method="exact")
    with pytest.raises(ValueError, match="noise channels"):
        c.depolarizing(0.1, 0)
        qsim.Simulator().probabilities(c)
    with pytest.raises(MemoryError):
        qsim.DensityMatrixSimulator().density_matrix(qsim.Circuit(40))
