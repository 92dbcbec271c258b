// libFuzzer target for the C++ API: the input drives a byte reader that
// builds circuits through Circuit's builder methods and append() with raw
// Operation fields (any op kind, any GateId byte, qubit/clbit/condition
// fields including extreme values, NaN and infinite angles, matrices of any
// size and content), registers of any size, and single gates through
// Simulator::apply and kernels::apply_gate. Every call must succeed or throw
// qsim::error; whatever is accepted then runs (fuzz_support.hpp).
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include <qsim/circuit/apply_gate.hpp>

#include "fuzz_support.hpp"

namespace {

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  // A qubit, clbit or size: mostly small, sometimes extreme.
  unsigned index() {
    const std::uint8_t b = byte();
    switch (b >> 5) {
      case 0:
        return 0xFFFFFFFFU - (b & 3U);
      case 1:
        return u32();
      case 2:
        return 60 + (b & 7U);
      default:
        return b & 15U;
    }
  }
  double angle() {
    const std::uint8_t b = byte();
    switch (b & 7U) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return (b & 8U) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
      case 2:
        return 1e300;
      default:
        return (static_cast<double>(byte()) - 128.0) / 16.0;
    }
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

qsim::Param param(Reader& r) {
  const std::uint8_t b = r.byte();
  const double a = r.angle();
  switch (b & 3U) {
    case 0:
      return qsim::weight(r.index(), a, r.angle());
    case 1:
      return qsim::feature(r.index(), a, r.angle());
    default:
      return a;
  }
}

// A matrix of a size that may or may not fit, unitary (a permuted phase
// matrix) or not.
std::shared_ptr<const qsim::Matrix> matrix(Reader& r) {
  const unsigned k = r.byte() % 4;
  const std::size_t dim = std::size_t{1} << k;
  qsim::Matrix m(dim * dim + (r.byte() % 5 == 0 ? 1 : 0));
  const std::uint8_t style = r.byte();
  for (std::size_t i = 0; i < dim; ++i) {
    const std::size_t col = (i + style) % dim;
    m[i * dim + col] = std::polar(1.0, r.angle());
  }
  if (style % 7 == 0) m[0] = {r.angle(), r.angle()};
  return std::make_shared<const qsim::Matrix>(std::move(m));
}

qsim::Operation operation(Reader& r) {
  qsim::Operation op;
  op.kind = static_cast<qsim::OpKind>(r.byte() % 5);  // 4 is not a kind
  std::uint8_t g = r.byte();
  op.gate = static_cast<qsim::GateId>(g % 40 < 26 ? g % 26 : g);  // mostly valid ids, sometimes not
  for (unsigned i = r.byte() % 4; i > 0; --i) op.targets.push_back(r.index());
  for (unsigned i = r.byte() % 3; i > 0; --i) op.controls.push_back(r.index());
  for (unsigned i = r.byte() % 5; i > 0; --i) op.params.push_back(param(r));
  for (unsigned i = r.byte() % 4; i > 0; --i) op.clbits.push_back(r.index());
  if (r.byte() % 4 == 0) op.matrix = matrix(r);
  if (r.byte() % 4 == 0) op.condition = qsim::Condition{r.index(), r.index(), (std::uint64_t{r.u32()} << 32) | r.u32()};
  return op;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader r(data, size);
  qsim::Circuit c;
  std::vector<double> weights(8, 0.25), features(8, -0.5);
  while (!r.done()) {
    try {
      switch (r.byte() % 12) {
        case 0:
          c.add_qreg("q" + std::to_string(c.qregs().size()), r.index());
          break;
        case 1:
          c.add_creg("c" + std::to_string(c.cregs().size()), r.index());
          break;
        case 2:
          c.h(r.index()).cx(r.index(), r.index());
          break;
        case 3:
          c.rx(param(r), r.index()).cu(param(r), param(r), param(r), param(r), r.index(), r.index());
          break;
        case 4:
          c.measure(r.index(), r.index());
          break;
        case 5:
          c.reset(r.index());
          break;
        case 6:
          c.c_if("c" + std::to_string(r.byte() % 3), (std::uint64_t{r.u32()} << 32) | r.u32());
          break;
        case 7:
          c.controlled({r.index()}, operation(r));
          break;
        case 8:
          c.mcx({r.index(), r.index(), r.index()}, r.index());
          break;
        case 9:
          c.measure_all();
          break;
        case 10: {
          // One gate straight on a small state, through both public entry points.
          const qsim::Operation op = operation(r);
          qsim::StateVector<double> psi(4);
          const qsim::Binding b{weights.data(), weights.size(), features.data(), features.size()};
          try {
            qsim::Simulator<double>().apply(op, psi, b);
            fuzz::check(std::abs(psi.norm() - 1.0) < 1e-9, "Simulator::apply keeps the norm");
          } catch (const qsim::error&) {
          }
          qsim::kernels::apply_gate(psi, op, b, 1);
          fuzz::check(std::abs(psi.norm() - 1.0) < 1e-9, "kernels::apply_gate keeps the norm");
          break;
        }
        default:
          c.append(operation(r));
          break;
      }
    } catch (const qsim::error&) {
    }
  }
  // Every stored operation must pass the check append made.
  for (const auto& op : c.operations()) qsim::validate_operation(op, c.num_qubits(), c.num_clbits());
  // Run unbound: a circuit with weights or features must be refused, not read out of bounds.
  fuzz::run_small<double>(c, size);
  return 0;
}
