"""Every C++ exception arrives as the natural Python one, with qsim's message;
bad input never crashes the interpreter."""
import math

import numpy as np
import pytest
import torch

import qsim
import qsim.torch


def test_invalid_argument_is_a_value_error_with_the_cpp_message():
    with pytest.raises(ValueError, match=r"^qubit 5 out of range for a 3-qubit circuit"):
        qsim.Circuit(3).h(5)
    with pytest.raises(ValueError, match="out of range"):
        qsim.Circuit(3).h(-1)
    with pytest.raises(ValueError, match="repeated|distinct|twice|same"):
        qsim.Circuit(3).cx(1, 1)
    with pytest.raises(ValueError, match="not finite"):
        qsim.Circuit(1).rx(math.nan, 0)
    with pytest.raises(ValueError, match="no classical bits"):
        qsim.Simulator().run(qsim.Circuit(1).h(0), shots=10)
    with pytest.raises(ValueError, match="shots must be >= 0"):
        qsim.Simulator().run(qsim.Circuit(1).measure_all(), shots=-1)
    with pytest.raises(ValueError, match="precision"):
        qsim.Simulator(precision="half")
    with pytest.raises(ValueError, match="no classical register named 'd'"):
        qsim.Circuit(1, 1).x(0).c_if("d", 1)
    with pytest.raises(ValueError, match="not unitary|unitary"):
        qsim.Circuit(1).unitary(np.array([[1, 1], [0, 1]]), [0])
    with pytest.raises(ValueError, match="weight 0 is not bound"):
        qsim.Simulator().statevector(qsim.Circuit(1).rx(qsim.weight(0), 0))
    with pytest.raises(ValueError, match="norm"):
        qsim.Simulator().expectation(np.array([1, 1], complex), qsim.PauliSum("Z0"))
    with pytest.raises(ValueError, match="Pauli|pauli"):
        qsim.PauliSum([(1.0, "Q0")])
    with pytest.raises(ValueError, match="rotation"):
        qsim.angle_embedding(qsim.Circuit(2), 2, rotation="W")
    with pytest.raises(ValueError, match="gate angle must be a number"):
        qsim.Circuit(1).rx("0.5", 0)


def test_out_of_memory_is_a_memory_error():
    with pytest.raises(MemoryError, match="40-qubit state"):
        qsim.Simulator().statevector(qsim.Circuit(40))


def test_parse_errors_are_value_errors_with_the_location():
    with pytest.raises(qsim.QasmError, match=r"^<input>:2:1: expected ';'") as e:
        qsim.from_qasm("qreg q[2]\nh q;")
    assert isinstance(e.value, ValueError)


def test_files_and_other_library_errors():
    with pytest.raises(FileNotFoundError):
        qsim.load_qasm("/nonexistent/file.qasm")
    with pytest.raises(ValueError, match="is a directory"):
        qsim.load_qasm("/")
    m = qsim.energy.Scope(qsim.energy.Meter(), "x").stop()
    with pytest.raises(qsim.Error, match="cannot open") as e:
        qsim.energy.append_csv("/nonexistent/dir/e.csv", [qsim.energy.make_report(m)])
    assert isinstance(e.value, RuntimeError)


def test_wrong_python_types_are_type_errors():
    with pytest.raises(TypeError):
        qsim.Circuit("three")
    with pytest.raises(TypeError):
        qsim.Simulator().run("not a circuit")


def layer():
    c = qsim.Circuit(2)
    qsim.angle_embedding(c, 2)
    qsim.basic_entangler_layers(c, 1, 2)
    return qsim.torch.QuantumLayer(c, ["Z0"])


def test_layer_input_errors():
    with pytest.raises(ValueError, match=r"takes \[batch, 2\] inputs, got \[3, 5\]"):
        layer()(torch.zeros(3, 5, dtype=torch.float64))
    with pytest.raises(TypeError, match="dtype"):
        layer()(torch.zeros(3, 2, dtype=torch.float32))
    with pytest.raises(ValueError, match="feature 1 of sample 0 is not finite"):
        layer()(torch.tensor([[0.0, math.inf]], dtype=torch.float64))
    c = qsim.Circuit(2)
    qsim.basic_entangler_layers(c, 1, 2)
    with pytest.raises(ValueError, match=r"weight_shape \(3,\) holds 3 weights, the circuit has 2"):
        qsim.torch.QuantumLayer(c, ["Z0"], weight_shape=(3,))
    with pytest.raises(ValueError, match="does not fit|qubit"):
        qsim.torch.QuantumLayer(c, ["Z5"])
    with pytest.raises(ValueError, match="at least one observable"):
        qsim.torch.QuantumLayer(c, [])


def test_layer_backward_refuses_non_finite_cotangents():
    lay = layer()
    y = lay(torch.zeros(2, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="not finite"):
        y.backward(torch.full_like(y, math.nan))
