"""The programs of examples/python/ run end to end (small runs) and print what they show."""
import os
import re
import subprocess
import sys

import pytest


def run(source_dir, tmp_path, script, *args):
    env = dict(os.environ, MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, os.path.join(source_dir, "examples", "python", script), *args],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_ghz(source_dir, tmp_path):
    out = run(source_dir, tmp_path, "ghz.py", "1024", "42")
    ghz = re.search(r"GHZ: (\{.*\})", out).group(1)
    assert set(eval(ghz)) == {"000", "111"}
    uniform = eval(re.search(r"CX\(1,2\): (\{.*\})", out).group(1))
    assert len(uniform) == 8 and sum(uniform.values()) == 1024
    for png in ("ghz_histogram.png", "uniform_histogram.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG"


def test_dask_training_equals_one_process_and_energy_efficiency(source_dir, tmp_path):
    out = run(source_dir, tmp_path, "dask_training.py", "--workers", "2", "--epochs", "40", "--min-accuracy", "0.8")
    diff = float(re.search(r"dask vs one process, same shards: (\S+)", out).group(1))
    assert diff <= 1e-10
    assert "weights equal to one-process training (1e-10): yes" in out
    assert float(re.search(r"test_accuracy: (\S+)", out).group(1)) >= 0.8
    csv = tmp_path / "training_energy.csv"
    assert len(csv.read_text().splitlines()) == 41  # header + one row per epoch
    out = run(source_dir, tmp_path, "energy_efficiency.py", str(csv), "eff.png")
    assert "40 epochs" in out and "energy source:" in out and "eta median" in out
    assert (tmp_path / "eff.png").read_bytes()[:4] == b"\x89PNG"
