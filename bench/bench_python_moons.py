"""Per-epoch time of the two-moons model through Python + qsim + PyTorch, the
same model and loop as examples/vqc_classifier.cpp: 2 qubits, 4 data
re-uploading blocks (RY embedding + one StronglyEntanglingLayers layer),
<Z0>, <Z1> -> Linear(2, 1), binary cross-entropy, Adam(0.05), 200 training
samples in one batch, 150 epochs, float64, 1 thread; each epoch also
evaluates the 100 test samples, as the C++ example does. One call into qsim
per batch (forward) and one per backward.

usage: PYTHONPATH=build/python python3 bench/bench_python_moons.py [repeats=3]
Prints the median epoch time in ms of each repeat and the median over repeats.
"""
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import qsim  # noqa: E402
import qsim.torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "python"))
from dask_training import two_moons  # noqa: E402


def run_once(epochs=150):
    torch.set_num_threads(1)
    torch.manual_seed(5)
    x_all, y_all = two_moons()
    x_all = x_all - x_all[:200].mean(axis=0)
    x_all = x_all * (np.pi / 2) / np.abs(x_all[:200]).max(axis=0)
    x, y = torch.from_numpy(x_all[:200]), torch.from_numpy(y_all[:200])
    x_test = torch.from_numpy(x_all[200:])
    c = qsim.Circuit(2)
    for block in range(4):
        qsim.angle_embedding(c, 2, rotation="Y")
        qsim.strongly_entangling_layers(c, 1, 2, first_weight=6 * block)
    model = torch.nn.Sequential(qsim.torch.QuantumLayer(c, ["Z0", "Z1"], threads=1, seed=11),
                                torch.nn.Linear(2, 1)).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            model(x_test)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, loss.item()


def main(argv):
    repeats = int(argv[1]) if len(argv) > 1 else 3
    medians = []
    for r in range(repeats):
        ms, loss = run_once()
        medians.append(ms)
        print(f"repeat {r + 1}: median {ms:.3f} ms per epoch (final loss {loss:.4f})")
    print(f"python+qsim+torch: {statistics.median(medians):.3f} ms per epoch (median of {repeats} repeats)")


if __name__ == "__main__":
    main(sys.argv)
