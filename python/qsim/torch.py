"""qsim.torch.QuantumLayer: a parameterised circuit as a torch.nn.Module.

The forward pass simulates the whole batch in one call into qsim; the
backward pass is qsim's adjoint vector-Jacobian product (one sweep per
sample, whatever the number of outputs). Nothing is kept in the module
between calls: each forward hands its tape to its own backward, so several
forwards before one backward, ``retain_graph=True`` and
``torch.autograd.gradcheck`` all work.
"""
import math

import numpy as np
import torch

from . import _qsim

__all__ = ["QuantumLayer"]


def _observable(o):
    if isinstance(o, _qsim.PauliSum):
        return o
    if isinstance(o, str):
        return _qsim.PauliSum(o)
    return _qsim.PauliSum(list(o))


class _QuantumFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weights, engine):
        # The C++ layer binds float64 angles; the dtype only chooses the state precision.
        w = weights.detach().to(torch.float64).reshape(-1).cpu().numpy()
        xs = x.detach().to(torch.float64).cpu().numpy()
        y, tape = engine.forward(w, xs)
        ctx.engine, ctx.tape, ctx.weight_shape = engine, tape, weights.shape
        return torch.from_numpy(np.ascontiguousarray(y)).to(dtype=x.dtype, device=x.device)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        dw, dx = ctx.engine.backward(ctx.tape, dy.detach().to(torch.float64).cpu().numpy())
        grad_x = torch.from_numpy(np.ascontiguousarray(dx)).to(dtype=dy.dtype, device=dy.device)
        grad_w = torch.from_numpy(dw).to(dtype=dy.dtype, device=dy.device).reshape(ctx.weight_shape)
        return (grad_x if ctx.needs_input_grad[0] else None, grad_w if ctx.needs_input_grad[1] else None, None)


class QuantumLayer(torch.nn.Module):
    """A circuit with trainable weights: ``[batch, features] -> [batch, observables]``.

    Args:
        circuit: a qsim.Circuit whose angles use qsim.feature(i) (inputs) and qsim.weight(i) (trained).
        observables: one PauliSum (or "Z0 Z1" string, or [(coeff, "X0"), ...] list) per output.
        weight_shape: shape of the weight Parameter (PennyLane's template shapes, e.g. (L, n, 3));
            its size must be the circuit's number of weights. Default: (num_weights,).
        dtype: torch.float64 (double-precision states) or torch.float32 (single precision).
        threads: OpenMP threads over the samples of a batch (0: all cores); results do not depend on it.
        seed: seed of the initial weights, uniform in [0, 2 pi) as PennyLane's TorchLayer.
        engine: "automatic" (batched up to 14 qubits, per sample above), "batched", "per_sample"
            or "reference" (gate by gate, what the tests compare against); docs/ml.md.
    """

    def __init__(self, circuit, observables, weight_shape=None, dtype=torch.float64, threads=0, seed=0,
                 engine="automatic"):
        super().__init__()
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        if isinstance(observables, (str, _qsim.PauliSum)):
            observables = [observables]
        engine_type = _qsim.QuantumLayer64 if dtype == torch.float64 else _qsim.QuantumLayer32
        self._engine = engine_type(circuit, [_observable(o) for o in observables], threads=threads, seed=seed,
                                   engine=engine)
        n = self._engine.num_weights
        if weight_shape is None:
            weight_shape = (n,)
        elif isinstance(weight_shape, int):
            weight_shape = (weight_shape,)
        weight_shape = tuple(int(s) for s in weight_shape)
        if math.prod(weight_shape) != n:
            raise ValueError(f"weight_shape {weight_shape} holds {math.prod(weight_shape)} weights, "
                             f"the circuit has {n}")
        init = torch.from_numpy(self._engine.initial_weights).to(dtype).reshape(weight_shape)
        self.weights = torch.nn.Parameter(init)
        self.circuit = circuit
        self.num_features = self._engine.num_features
        self.num_outputs = self._engine.num_outputs

    def forward(self, x):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"QuantumLayer takes a torch.Tensor, got {type(x).__name__}")
        if x.dtype != self.weights.dtype:
            raise TypeError(f"QuantumLayer of dtype {self.weights.dtype} got an input of dtype {x.dtype}")
        single = x.dim() == 1
        if single:
            x = x.unsqueeze(0)
        if x.dim() != 2 or x.shape[1] != self.num_features:
            raise ValueError(f"QuantumLayer takes [batch, {self.num_features}] inputs, got {list(x.shape)}")
        y = _QuantumFunction.apply(x, self.weights, self._engine)
        return y.squeeze(0) if single else y

    def extra_repr(self):
        return (f"features={self.num_features}, outputs={self.num_outputs}, "
                f"weights={tuple(self.weights.shape)}, dtype={self.weights.dtype}")
