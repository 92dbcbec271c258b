"""qsim.torch.QuantumLayer: gradcheck, gradients against parameter shift through
the Simulator (an independent path), the stateless autograd behaviour, float32,
and training with torch.optim."""
import math

import numpy as np
import pytest
import torch

import qsim
import qsim.torch


def circuit():
    c = qsim.Circuit(3)
    qsim.angle_embedding(c, 3, rotation="Y")
    qsim.strongly_entangling_layers(c, 2, 3)
    c.crz(qsim.feature(1, scale=0.5), 0, 2)  # a feature in a controlled gate
    return c


OBS = ["Z0", [(0.5, "X1 Y2"), (0.2, "Z2")], qsim.PauliSum("Y0 Z1")]


def make(dtype=torch.float64, threads=1):
    return qsim.torch.QuantumLayer(circuit(), OBS, weight_shape=(2, 3, 3), dtype=dtype, threads=threads, seed=5)


def test_gradcheck_float64():
    lay = make()
    x = torch.rand(4, 3, dtype=torch.float64, requires_grad=True)
    w = lay.weights.detach().clone().requires_grad_(True)
    f = lambda x, w: qsim.torch._QuantumFunction.apply(x, w, lay._engine)  # noqa: E731
    assert torch.autograd.gradcheck(f, (x, w), eps=1e-6, atol=1e-7)


def test_forward_and_gradients_equal_the_simulator_with_parameter_shift():
    lay = make()
    x = torch.tensor([[0.3, -0.9, 1.4], [1.1, 0.2, -0.4]], dtype=torch.float64)
    cot = torch.tensor([[1.0, -0.5, 2.0], [0.3, 0.7, -1.1]], dtype=torch.float64)
    y = lay(x)
    (y * cot).sum().backward()
    sim = qsim.Simulator()
    obs = [qsim.PauliSum(o) if isinstance(o, str) else o if isinstance(o, qsim.PauliSum) else qsim.PauliSum(o)
           for o in OBS]
    c = circuit()
    w = lay.weights.detach().reshape(-1).numpy()

    def loss(weights, xi, ci):
        return sum(ci[o] * sim.expectation(c, obs[o], weights=weights, features=xi) for o in range(len(obs)))

    want = np.zeros_like(w)
    for i in range(2):
        xi, ci = x[i].numpy(), cot[i].numpy()
        for o in range(len(obs)):
            assert abs(y[i, o].item() - sim.expectation(c, obs[o], weights=w, features=xi)) < 1e-12
        for k in range(len(w)):  # every weight drives one plain rotation: the two-term shift rule is exact
            plus, minus = w.copy(), w.copy()
            plus[k] += math.pi / 2
            minus[k] -= math.pi / 2
            want[k] += (loss(plus, xi, ci) - loss(minus, xi, ci)) / 2
    assert np.abs(lay.weights.grad.reshape(-1).numpy() - want).max() < 1e-10


def test_the_vjp_equals_the_cpp_adjoint_jacobian():
    lay = make()  # still at its initial weights, which jacobian() uses
    x = torch.rand(3, 3, dtype=torch.float64, requires_grad=True)
    cot = torch.rand(3, 3, dtype=torch.float64)
    (lay(x) * cot).sum().backward()
    want_w, want_x = np.zeros(lay.weights.numel()), np.zeros((3, 3))
    for i in range(3):  # qsim's adjoint_gradient, once per output: another C++ path than the folded VJP
        jw, jx = lay._engine.jacobian(x[i].detach().numpy())
        want_w += cot[i].numpy() @ jw
        want_x[i] = cot[i].numpy() @ jx
    assert np.abs(lay.weights.grad.reshape(-1).numpy() - want_w).max() < 1e-12
    assert np.abs(x.grad.numpy() - want_x).max() < 1e-12


def test_two_forwards_one_backward_and_retain_graph():
    lay = make()
    x1 = torch.rand(3, 3, dtype=torch.float64)
    x2 = torch.rand(5, 3, dtype=torch.float64)
    y1, y2 = lay(x1), lay(x2)
    (y1.sum() + 2 * y2.sum()).backward(retain_graph=True)
    both = lay.weights.grad.clone()
    lay.weights.grad = None
    y1.sum().backward(retain_graph=True)
    g1 = lay.weights.grad.clone()
    lay.weights.grad = None
    y2.sum().backward(retain_graph=True)
    y2.sum().backward()  # the same tape a second time
    g2 = lay.weights.grad.clone() / 2
    assert torch.allclose(both, g1 + 2 * g2, atol=1e-12, rtol=0)


def test_float32_layer_agrees_with_float64():
    x = torch.rand(6, 3, dtype=torch.float64)
    l64, l32 = make(), make(torch.float32)
    y64, y32 = l64(x), l32(x.float())
    assert y32.dtype == torch.float32 and l32.weights.dtype == torch.float32
    assert (y64 - y32.double()).abs().max() < 1e-5
    y64.sum().backward()
    y32.sum().backward()
    assert l32.weights.grad.dtype == torch.float32
    assert (l64.weights.grad - l32.weights.grad.double()).abs().max() < 1e-4


def test_results_do_not_depend_on_the_thread_count():
    x = torch.rand(16, 3, dtype=torch.float64)
    a, b = make(threads=1), make(threads=2)
    ya, yb = a(x), b(x)
    ya.sum().backward()
    yb.sum().backward()
    assert torch.equal(ya, yb) and torch.equal(a.weights.grad, b.weights.grad)


def test_a_single_sample_and_input_gradients():
    lay = make()
    x = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64, requires_grad=True)
    y = lay(x)
    assert y.shape == (3,)
    y[0].backward()
    h = 1e-6
    for f in range(3):
        e = torch.zeros(3, dtype=torch.float64)
        e[f] = h
        with torch.no_grad():
            fd = (lay(x + e)[0] - lay(x - e)[0]) / (2 * h)
        assert abs(x.grad[f].item() - fd.item()) < 1e-7


def test_optimizer_steps_decrease_the_loss_of_a_hybrid_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), make(), torch.nn.Linear(3, 1)).double()
    x = torch.rand(32, 4, dtype=torch.float64)
    y = (x.sum(dim=1, keepdim=True) > 2).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(25):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert model[1].weights.grad is not None and model[0].weight.grad is not None
    assert losses[-1] < 0.8 * losses[0]
    sgd = torch.optim.SGD(model.parameters(), lr=0.01)
    sgd.zero_grad()
    before = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
    before.backward()
    sgd.step()
    after = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
    assert after.item() < before.item()  # a small step along -grad lowers the loss


def test_weights_start_uniform_in_0_2pi_and_are_a_parameter():
    lay = make()
    assert isinstance(lay.weights, torch.nn.Parameter) and lay.weights.shape == (2, 3, 3)
    assert [p is lay.weights for p in lay.parameters()] == [True]
    w = lay.weights.detach()
    assert (w >= 0).all() and (w < 2 * math.pi).all() and w.std() > 0.5
    assert torch.equal(make().weights, w)  # seeded


def test_every_engine_gives_the_same_outputs_and_gradients():
    x = torch.tensor([[0.3, -0.9, 1.4], [1.1, 0.2, -0.4], [-0.7, 0.5, 0.9]], dtype=torch.float64)
    results = {}
    for engine in ("batched", "per_sample", "reference"):
        lay = qsim.torch.QuantumLayer(circuit(), OBS, weight_shape=(2, 3, 3), threads=1, seed=5, engine=engine)
        assert lay._engine.engine == engine
        xe = x.clone().requires_grad_(True)
        y = lay(xe)
        y.sum().backward()
        results[engine] = (y.detach(), xe.grad, lay.weights.grad)
    for engine in ("per_sample", "reference"):
        for a, b in zip(results["batched"], results[engine]):
            assert torch.allclose(a, b, atol=1e-12)
    with pytest.raises(ValueError, match="unknown engine 'fast'"):
        qsim.torch.QuantumLayer(circuit(), OBS, engine="fast")


def test_an_amplitude_embedding_starts_the_layer_and_passes_gradcheck():
    c = qsim.Circuit(3)
    qsim.amplitude_embedding(c, 6, pad=0.2)  # features 0..5 as amplitudes, normalised
    qsim.strongly_entangling_layers(c, 1, 3)
    assert "amplitude_embedding(x[0]..x[5])" in c.draw(width=0)
    lay = qsim.torch.QuantumLayer(c, OBS, weight_shape=(1, 3, 3), seed=2)
    x = torch.tensor([[0.3, -0.9, 1.4, 0.5, 0.0, 2.0]], dtype=torch.float64, requires_grad=True)
    # The layer's first state is the normalised, padded features.
    v = np.array([0.3, -0.9, 1.4, 0.5, 0.0, 2.0, 0.2, 0.2])
    first = qsim.Circuit(3)
    first.amplitude_embedding([qsim.feature(i) for i in range(6)], [0, 1, 2], pad=0.2)
    sv = qsim.Simulator().statevector(first, features=x.detach().numpy()[0])
    assert np.allclose(sv, v / np.linalg.norm(v), atol=1e-12)
    w = lay.weights.detach().clone().requires_grad_(True)
    f = lambda x, w: qsim.torch._QuantumFunction.apply(x, w, lay._engine)  # noqa: E731
    assert torch.autograd.gradcheck(f, (x, w), eps=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="first operation"):
        qsim.amplitude_embedding(c, 8)
