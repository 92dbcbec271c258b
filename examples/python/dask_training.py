"""A hybrid classifier trained data-parallel on a Dask LocalCluster.

Model: torch.nn.Linear(2, 2) -> qsim.torch.QuantumLayer (2 qubits, 4 data
re-uploading blocks: RY embedding + one StronglyEntanglingLayers layer;
outputs <Z0>, <Z1>) -> torch.nn.Linear(2, 1), binary cross-entropy on the
logit, Adam, full batch, float64; two moons (300 points, 200 train, 100 test).

Each epoch every worker takes its shard of the training rows, computes its
share of the loss and its gradients with qsim (the adjoint method), and the
driver sums the shards' gradients in shard order and steps. The same training
then runs in this one process (the same shards one after the other, PyTorch
accumulating their gradients): the script checks that both end with the same
weights (to 1e-10). Last, the plain full-batch training runs once more in
this process, is timed, and writes the per-epoch energy CSV that
energy_efficiency.py reads. Exit code 0 when the weights agree and the test
accuracy reaches --min-accuracy.

usage: python3 dask_training.py [--workers K=2] [--epochs 150] [--csv training_energy.csv] [--min-accuracy 0.9]
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch

import qsim
import qsim.torch

QUBITS, BLOCKS = 2, 4


def two_moons(samples=300, noise=0.1, seed=7):
    """scikit-learn's make_moons with random positions along each arc, centred and scaled to about [-pi/2, pi/2]."""
    rng = np.random.default_rng(seed)
    t = np.pi * rng.random(samples)
    upper = np.arange(samples) % 2 == 0
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = x + noise * rng.standard_normal((samples, 2))
    y = (~upper).astype(np.float64)[:, None]
    return x, y


def make_model():
    """The same model, with the same initial weights, in every process."""
    torch.manual_seed(3)
    c = qsim.Circuit(QUBITS)
    for block in range(BLOCKS):
        qsim.angle_embedding(c, 2, rotation="Y")  # re-upload the features
        qsim.strongly_entangling_layers(c, 1, QUBITS, first_weight=block * QUBITS * 3)
    quantum = qsim.torch.QuantumLayer(c, ["Z0", "Z1"], weight_shape=(BLOCKS, QUBITS, 3), threads=1, seed=11)
    return torch.nn.Sequential(torch.nn.Linear(2, 2), quantum, torch.nn.Linear(2, 1)).double()


def shard_gradients(state, x, y, total_rows):
    """Runs on a worker: this shard's share of the mean loss and its gradients."""
    torch.set_num_threads(1)
    model = make_model()
    model.load_state_dict(state)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        model(torch.from_numpy(x)), torch.from_numpy(y), reduction="sum") / total_rows
    loss.backward()
    return loss.item(), [p.grad.numpy() for p in model.parameters()]


def accuracy(model, x, y):
    with torch.no_grad():
        return float(((model(torch.from_numpy(x)) > 0).double().numpy() == y).mean())


def epoch_gradients(model, x, y, bounds):
    """One process, the same shards in the same order: PyTorch accumulates their gradients (shard 0 first)."""
    for a, b in zip(bounds[:-1], bounds[1:]):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            model(torch.from_numpy(x[a:b])), torch.from_numpy(y[a:b]), reduction="sum") / len(x)
        loss.backward()


def train_one_process(x, y, epochs, bounds, csv=None):
    """The same training in this process; with `csv`, the energy of every epoch goes there."""
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    meter = qsim.energy.Meter()
    copy_bw = qsim.energy.measure_copy_bandwidth(threads=1) if csv else 0.0
    # Work per epoch as qsim counts it (docs/energy.md): each gate of the
    # circuit once in the forward pass and once in the adjoint sweep, per
    # sample; a gate pass over a state of B bytes moves 2B, the forward pass
    # moves one state, the sweep two (psi and lambda).
    gates = len(model[1].circuit) * len(x)
    state_bytes = (2 ** QUBITS) * 16
    reports, times = [], []
    for epoch in range(epochs):
        scope = qsim.energy.Scope(meter, f"epoch {epoch + 1}")
        t0 = time.perf_counter()
        opt.zero_grad()
        epoch_gradients(model, x, y, bounds)
        opt.step()
        times.append(time.perf_counter() - t0)
        m = scope.stop()
        if csv:
            reports.append(qsim.energy.make_report(m, gates=2 * gates, samples=len(x),
                                                   bytes=2.0 * state_bytes * 3 * gates, copy_bandwidth=copy_bw))
    if csv:
        if os.path.exists(csv):
            os.remove(csv)  # this run's epochs only
        qsim.energy.append_csv(csv, reports)
    return model, times, meter.describe()


def train_dask(x, y, epochs, workers, bounds):
    from dask.distributed import Client, LocalCluster

    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    # Workers are new processes: they find qsim through the environment.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [os.path.dirname(os.path.dirname(qsim.__file__)),
                                                          os.environ.get("PYTHONPATH", "")] if p)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        names = sorted(client.scheduler_info()["workers"])
        shards = [client.scatter((x[a:b], y[a:b]), workers=[names[i % len(names)]])
                  for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))]
        losses = []
        for _ in range(epochs):
            state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            futures = [client.submit(lambda s, d: shard_gradients(s, d[0], d[1], len(x)), state, shard,
                                     workers=[names[i % len(names)]], pure=False)
                       for i, shard in enumerate(shards)]
            results = client.gather(futures)  # in shard order
            opt.zero_grad()
            for p, *grads in zip(model.parameters(), *[g for _, g in results]):
                total = torch.zeros_like(p)
                for g in grads:  # fixed order: shard 0 first
                    total += torch.from_numpy(g)
                p.grad = total
            opt.step()
            losses.append(sum(loss for loss, _ in results))
    return model, losses


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--csv", default="training_energy.csv")
    ap.add_argument("--min-accuracy", type=float, default=0.9)
    args = ap.parse_args(argv[1:])
    if args.workers < 1 or args.epochs < 1:
        ap.error("--workers and --epochs must be >= 1")

    x_all, y_all = two_moons()
    mean = x_all[:200].mean(axis=0)
    x_all = x_all - mean
    x_all = x_all * (math.pi / 2) / np.abs(x_all[:200]).max(axis=0)
    x, y, x_test, y_test = x_all[:200], y_all[:200], x_all[200:], y_all[200:]

    start = time.perf_counter()
    bounds = np.linspace(0, len(x), args.workers + 1).astype(int)  # one shard per worker
    dask_model, losses = train_dask(x, y, args.epochs, args.workers, bounds)
    dask_s = time.perf_counter() - start
    print(f"dask: {args.workers} workers, {args.epochs} epochs in {dask_s:.2f} s; "
          f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")

    ref_model, _, _ = train_one_process(x, y, args.epochs, bounds)
    diff = max(float((a - b).abs().max()) for a, b in zip(dask_model.parameters(), ref_model.parameters()))
    print(f"max |weight difference| dask vs one process, same shards: {diff:.3e}")

    # The plain training: the whole batch in one call into qsim per epoch.
    # It differs from the sharded one only in the order of floating-point sums.
    full_model, times, source = train_one_process(x, y, args.epochs, np.array([0, len(x)]), args.csv)
    full = max(float((a - b).abs().max()) for a, b in zip(dask_model.parameters(), full_model.parameters()))
    print(f"one process, full batch: median {1e3 * float(np.median(times)):.3f} ms per epoch "
          f"(forward, adjoint backward, Adam; float64); max |weight difference| to dask {full:.3e}")
    if args.csv:
        print(f"wrote {args.csv} (one row per epoch; energy source: {source})")
    test_acc = accuracy(dask_model, x_test, y_test)
    print(f"train_accuracy: {accuracy(dask_model, x, y):.3f}")
    print(f"test_accuracy: {test_acc:.3f}")
    ok = diff <= 1e-10 and test_acc >= args.min_accuracy
    print("weights equal to one-process training (1e-10):", "yes" if diff <= 1e-10 else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
