"""qsim: a state-vector quantum circuit simulator with Qiskit's names and bit order.

>>> import qsim
>>> c = qsim.Circuit(3)
>>> c.h(0).cx(0, 1).cx(1, 2).measure_all()
>>> qsim.Simulator().run(c, shots=1024, seed=42)      # {'000': 486, '111': 538}

``qsim.torch.QuantumLayer`` (imported on first use, so ``import qsim`` does not
load PyTorch) is a ``torch.nn.Module`` whose backward is the adjoint method.
"""
import os as _os

from ._qsim import (  # noqa: F401  (the public API)
    Channel,
    Circuit,
    DensityMatrixSimulator,
    Error,
    NoiseModel,
    NoisySimulator,
    Param,
    PauliSum,
    QasmError,
    ReadoutError,
    Simulator,
    WeightGroup,
    __version__,
    amplitude_embedding,
    angle_embedding,
    basic_entangler_layers,
    channels,
    cos,
    energy,
    feature,
    from_qasm,
    hardware_efficient_ansatz,
    iqp_embedding,
    sin,
    strongly_entangling_layers,
    to_big_endian,
    weight,
    zz_feature_map,
)


def load_qasm(path):
    """Reads an OpenQASM 2.0 file into a Circuit (FileNotFoundError when it is missing)."""
    path = _os.fspath(path)
    if not _os.path.exists(path):
        raise FileNotFoundError(2, "no such OpenQASM file", path)
    from ._qsim import _load_qasm

    return _load_qasm(path)


# PennyLane's weight shapes of the templates, so trained weights port over.
def strongly_entangling_shape(layers, qubits):
    """(layers, qubits, 3), as qml.StronglyEntanglingLayers.shape."""
    return (layers, qubits, 3)


def basic_entangler_shape(layers, qubits):
    """(layers, qubits), as qml.BasicEntanglerLayers.shape."""
    return (layers, qubits)


def plot_histogram(counts, title=None, sort="key", figsize=(7, 5), color="#648fff", bar_labels=True):
    """A bar chart of counts as a matplotlib Figure, as qiskit.visualization.plot_histogram returns.

    Bars are the probabilities (count / shots), keys in Qiskit's order
    (classical bit 0 rightmost). Save it with ``fig.savefig("counts.png")``;
    no display or pyplot backend is needed.
    """
    from matplotlib.figure import Figure

    if not isinstance(counts, dict) or not counts:
        raise ValueError("plot_histogram needs a non-empty dict of counts, as Simulator.run returns")
    for key, n in counts.items():
        if not isinstance(key, str) or not isinstance(n, int) or n < 0:
            raise ValueError(f"plot_histogram: count {key!r}: {n!r} is not a bit string and a count >= 0")
    if sort not in ("key", "value"):
        raise ValueError(f"sort must be 'key' or 'value', got {sort!r}")
    keys = sorted(counts) if sort == "key" else sorted(counts, key=lambda k: -counts[k])
    shots = sum(counts.values())
    probs = [counts[k] / shots if shots else 0.0 for k in keys]
    fig = Figure(figsize=figsize)
    ax = fig.add_subplot()
    bars = ax.bar(range(len(keys)), probs, color=color)
    ax.set_xticks(range(len(keys)), keys, rotation=70 if len(keys) > 8 else 0)
    ax.set_ylabel("Probability")
    ax.set_ylim(0, max(probs) * 1.15 if max(probs) > 0 else 1)
    if bar_labels:
        ax.bar_label(bars, labels=[f"{p:.3f}" for p in probs])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def __getattr__(name):
    if name == "torch":  # lazily: PyTorch takes a second to import
        import importlib

        return importlib.import_module(".torch", __name__)
    raise AttributeError(f"module 'qsim' has no attribute {name!r}")
