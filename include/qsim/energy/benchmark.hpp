#pragma once
/// Energy counters for Google Benchmark: joules per gate next to the time.

#include <string>
#include <utility>

#include "qsim/core/config.hpp"
#include "qsim/energy/meter.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Measures a benchmark's timing loop and, when it goes out of scope, adds
 * the user counters `J_per_gate` (or `J_per_item` with `per = "item"`) and
 * `W`, and labels the run with the energy source ("estimated: ..." without
 * sensors). Templated on the benchmark state so this header needs no
 * Google Benchmark include.
 * @code
 *   void BM_h(benchmark::State& st) {
 *     qsim::energy::BenchmarkEnergy energy(st, 1.0);   // 1 gate per iteration
 *     for (auto _ : st) apply_h();
 *   }
 * @endcode
 */
template <class BenchState>
class BenchmarkEnergy {
 public:
  BenchmarkEnergy(BenchState& st, double units_per_iteration, std::string per = "gate",
                  const Meter& meter = default_meter())
      : st_(st), units_(units_per_iteration), per_(std::move(per)), scope_(meter) {}
  BenchmarkEnergy(const BenchmarkEnergy&) = delete;
  BenchmarkEnergy& operator=(const BenchmarkEnergy&) = delete;

  ~BenchmarkEnergy() {
    try {
      const Measurement m = scope_.stop();
      const double units = units_ * static_cast<double>(st_.iterations());
      if (units > 0) st_.counters["J_per_" + per_] = m.joules / units;
      st_.counters["W"] = m.watts();
      st_.SetLabel(m.estimated ? "energy estimated" : m.source);
    } catch (...) {  // a benchmark without energy counters beats a terminated run
    }
  }

 private:
  BenchState& st_;
  double units_;
  std::string per_;
  Scope scope_;
};

}  // namespace energy
QSIM_END_NAMESPACE
