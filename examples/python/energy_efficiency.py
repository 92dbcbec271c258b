"""Energy efficiency of a training run, with pandas and matplotlib.

Reads the per-epoch energy CSV that dask_training.py writes (qsim's own
layout, qsim.energy.append_csv: one row per epoch), recomputes the efficiency
columns with pandas and plots them:

  samples_per_j   useful work per joule: training samples processed / energy
  gates_per_j     gates applied / energy
  eta             useful output / input as qsim defines it (docs/energy.md):
                  the bandwidth the simulation achieved (bytes moved / s)
                  over the machine's copy bandwidth; near 1 means the run
                  moves memory as fast as a plain copy.

usage: python3 energy_efficiency.py [csv=training_energy.csv] [png=energy_efficiency.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def main(argv):
    path = argv[1] if len(argv) > 1 else "training_energy.csv"
    png = argv[2] if len(argv) > 2 else "energy_efficiency.png"
    df = pd.read_csv(path)
    if df.empty:
        raise SystemExit(f"{path} has no rows")
    df["epoch"] = np.arange(1, len(df) + 1)
    df["samples_per_j_pd"] = df["samples"] / df["energy_j"]
    df["gates_per_j_pd"] = df["gates"] / df["energy_j"]
    df["bandwidth_gbs_pd"] = df["bytes"] / df["seconds"] * 1e-9
    df["eta_pd"] = df["bandwidth_gbs_pd"] / df["copy_bandwidth_gbs"]
    df["cumulative_j"] = df["energy_j"].cumsum()
    # pandas' figures and the library's columns are the same quantities.
    for ours, lib in [("samples_per_j_pd", "samples_per_j"), ("gates_per_j_pd", "gates_per_j"), ("eta_pd", "eta")]:
        if not np.allclose(df[ours], df[lib], rtol=1e-8):
            raise SystemExit(f"{ours} differs from the library's {lib}")

    sources = sorted(df["source"].unique())
    estimated = bool(df["estimated"].any())
    print(f"{len(df)} epochs from {path}")
    print("energy source:", "; ".join(sources), "(estimated)" if estimated else "(sensor)")
    cols = ["epoch", "seconds", "energy_j", "samples_per_j_pd", "gates_per_j_pd", "bandwidth_gbs_pd", "eta_pd"]
    print(df[cols].describe().loc[["mean", "min", "max"]].to_string(float_format=lambda v: f"{v:.4g}"))
    total_j = df["energy_j"].sum()
    print(f"total: {total_j:.4g} J, {df['samples'].sum() / total_j:.4g} samples/J, "
          f"eta median {df['eta_pd'].median():.3g}")

    fig, axes = plt.subplots(3, 1, figsize=(7, 8), sharex=True)
    axes[0].plot(df["epoch"], df["energy_j"], label="energy per epoch (J)")
    axes[0].set_ylabel("J" + (" (estimated)" if estimated else ""))
    axes[1].plot(df["epoch"], df["samples_per_j_pd"], color="tab:green")
    axes[1].set_ylabel("samples / J")
    axes[2].plot(df["epoch"], df["eta_pd"], color="tab:red")
    axes[2].set_ylabel("eta (bandwidth / copy)")
    axes[2].set_xlabel("epoch")
    axes[0].set_title("Training energy efficiency")
    fig.tight_layout()
    fig.savefig(png)
    print(f"wrote {png}")


if __name__ == "__main__":
    main(sys.argv)
