"""The 3-qubit GHZ circuit on qsim, as the Qiskit snippet runs it: 1024 shots,
counts printed, histogram saved as a PNG. Then the snippet exactly as it was
written (H on all three qubits before the CNOTs), which is not GHZ.

usage: python3 ghz.py [shots=1024] [seed=42]   (writes ghz_histogram.png, uniform_histogram.png)
"""
import sys

import qsim


def main(argv):
    shots = int(argv[1]) if len(argv) > 1 else 1024
    seed = int(argv[2]) if len(argv) > 2 else 42
    sim = qsim.Simulator()

    ghz = qsim.Circuit(3)
    ghz.h(0).cx(0, 1).cx(1, 2).measure_all()
    counts = sim.run(ghz, shots=shots, seed=seed)
    print("GHZ:", counts)
    qsim.plot_histogram(counts, title="GHZ").savefig("ghz_histogram.png")
    print("wrote ghz_histogram.png")

    # The snippet as written puts H on every qubit first. H on all three
    # qubits makes the uniform superposition of all 8 basis states; a CNOT
    # only permutes basis states (|c t> -> |c, t xor c>), and a permutation of
    # equal amplitudes leaves them equal, so every outcome keeps probability
    # 1/8: the uniform distribution, not GHZ's 000/111.
    snippet = qsim.Circuit(3)
    snippet.h(0).h(1).h(2)
    snippet.cx(0, 1).cx(1, 2)
    snippet.measure_all()
    uniform = sim.run(snippet, shots=shots, seed=seed)
    print("H on all three, then CX(0,1), CX(1,2):", uniform)
    qsim.plot_histogram(uniform, title="H on all three qubits, then CX(0,1), CX(1,2)").savefig("uniform_histogram.png")
    print("wrote uniform_histogram.png")


if __name__ == "__main__":
    main(sys.argv)
