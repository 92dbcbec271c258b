#pragma once
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/measure/pauli_sum.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/mpi/communicator.hpp"
#include "qsim/mpi/distributed_gates.hpp"
#include "qsim/mpi/distributed_state_vector.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

namespace detail {
template <class T>
void check_qubit(const DistributedStateVector<T>& psi, qubit_t q, const char* what) {
  if (q >= psi.num_qubits())
    throw invalid_argument("qubit " + std::to_string(q) + " out of range for a " + std::to_string(psi.num_qubits()) +
                           "-qubit distributed state (in " + what + ")");
}
inline bool parity(index_t x) {
  x ^= x >> 32;
  x ^= x >> 16;
  x ^= x >> 8;
  x ^= x >> 4;
  x ^= x >> 2;
  x ^= x >> 1;
  return (x & 1U) != 0;
}
}  // namespace detail

/// Probability that qubit `q` reads 1 (collective).
template <class T>
double probability_one(const DistributedStateVector<T>& psi, qubit_t q) {
  detail::check_qubit(psi, q, "probability_one");
  double mine = 0;
  if (!psi.is_global(q))
    mine = kernels::probability_one(psi.local(), q);
  else if (psi.rank_bit(q) == 1)
    mine = psi.local().squared_norm();
  return psi.communicator().sum(mine);
}

/// Projects qubit `q` onto `outcome` and renormalises by sqrt(probability); no communication.
template <class T>
void collapse(DistributedStateVector<T>& psi, qubit_t q, int outcome, double probability) {
  detail::check_qubit(psi, q, "collapse");
  if (!(probability > 0))
    throw invalid_argument("cannot collapse qubit " + std::to_string(q) + " onto an outcome of probability " +
                           std::to_string(probability));
  if (!psi.is_global(q)) {
    kernels::collapse(psi.local(), q, outcome, probability);
    return;
  }
  const bool kept = psi.rank_bit(q) == outcome;
  const T scale = kept ? static_cast<T>(1.0 / std::sqrt(probability)) : T(0);
  for (auto& a : psi.local()) a *= scale;
}

/**
 * Measures qubit `q` with collapse; collective. `rng` must be in the same
 * state on every rank (same seed, same history), so every rank draws the
 * same outcome.
 */
template <class T>
int measure(DistributedStateVector<T>& psi, qubit_t q, Rng& rng) {
  const double p1 = probability_one(psi, q);
  const int outcome = rng.uniform() < p1 ? 1 : 0;
  collapse(psi, q, outcome, outcome ? p1 : 1.0 - p1);
  return outcome;
}

/**
 * Marginal probabilities of `qubits` on every rank (MPI_Allreduce): entry j
 * has bit b equal to qubit qubits[b], as in Qiskit. At most 26 qubits.
 * @code
 *   std::vector<double> p = qsim::mpi::probabilities(psi, {0, 7});  // p[0b10]: q7 = 1, q0 = 0
 * @endcode
 */
template <class T>
std::vector<double> probabilities(const DistributedStateVector<T>& psi, const std::vector<qubit_t>& qubits) {
  if (qubits.size() > 26)
    throw invalid_argument("probabilities of " + std::to_string(qubits.size()) +
                           " qubits: at most 26 (sample instead)");
  std::vector<bool> seen(psi.num_qubits(), false);
  for (auto q : qubits) {
    detail::check_qubit(psi, q, "probabilities");
    if (seen[q]) throw invalid_argument("qubit " + std::to_string(q) + " listed twice (in probabilities)");
    seen[q] = true;
  }
  std::vector<double> mine(std::size_t{1} << qubits.size(), 0.0), total(mine.size(), 0.0);
  const index_t offset = psi.global_offset();
  const auto& local = psi.local();
  for (index_t i = 0; i < psi.local_size(); ++i) {
    const index_t g = offset | i;
    std::size_t key = 0;
    for (std::size_t b = 0; b < qubits.size(); ++b) key |= static_cast<std::size_t>((g >> qubits[b]) & 1U) << b;
    mine[key] += qsim::detail::probability_of(local[i]);
  }
  detail::check(MPI_Allreduce(mine.data(), total.data(), static_cast<int>(mine.size()), MPI_DOUBLE, MPI_SUM,
                              psi.communicator().get()),
                "MPI_Allreduce");
  return total;
}

/**
 * Draws `shots` global basis indices; the same seed draws the same indices
 * as `qsim::sample_sorted` on the whole state in one process (the same sorted
 * uniforms, each rank matching those that fall into its share of the
 * cumulative distribution). Collective; returns (index, count) pairs in
 * increasing index order, identical on every rank.
 */
template <class T>
std::vector<std::pair<index_t, std::uint64_t>> sample_counts(const DistributedStateVector<T>& psi, std::uint64_t shots,
                                                             std::uint64_t seed) {
  const Communicator& comm = psi.communicator();
  comm.require_same(shots, "the number of shots");
  comm.require_same(seed, "the sampling seed");
  if (shots == 0) return {};
  const auto& local = psi.local();
  double mine = 0;
  index_t last_local = 0;  // last nonzero local bin
  for (index_t i = 0; i < psi.local_size(); ++i) {
    const double p = qsim::detail::probability_of(local[i]);
    mine += p;
    if (p != 0) last_local = i;
  }
  std::vector<double> totals(static_cast<std::size_t>(comm.size()));
  detail::check(MPI_Allgather(&mine, 1, MPI_DOUBLE, totals.data(), 1, MPI_DOUBLE, comm.get()), "MPI_Allgather");
  double total = 0, start = 0;
  int last_rank = -1;
  for (int r = 0; r < comm.size(); ++r) {
    const double t = totals[static_cast<std::size_t>(r)];
    if (!(t >= 0) || !std::isfinite(t))
      throw invalid_argument("rank " + std::to_string(r) + " holds probabilities of total " + std::to_string(t));
    if (r < comm.rank()) start += t;
    if (t > 0) last_rank = r;
    total += t;
  }
  if (last_rank < 0) throw invalid_argument("cannot sample from a distribution of total weight 0");
  double spacing_sum = 0;
  std::vector<double> uniforms = qsim::detail::sorted_uniforms(shots, seed, spacing_sum);
  const double scale = total / spacing_sum;
  for (auto& u : uniforms) u *= scale;
  // This rank's uniforms lie in [start, start + its total); the last nonzero
  // rank also takes any that rounding left past the end.
  const double end = start + mine;
  auto first = std::lower_bound(uniforms.begin(), uniforms.end(), start);
  auto past = comm.rank() == last_rank ? uniforms.end() : std::lower_bound(uniforms.begin(), uniforms.end(), end);
  if (comm.rank() > last_rank || mine == 0) first = past = uniforms.begin();
  std::vector<unsigned long long> flat;  // (index, count) pairs
  double cumulative = start;
  for (index_t i = 0; i <= last_local && first != past; ++i) {
    const double p = qsim::detail::probability_of(local[i]);
    if (p == 0) continue;
    cumulative += p;
    std::uint64_t count = 0;
    while (first != past && (i == last_local || *first < cumulative)) {
      ++count;
      ++first;
    }
    if (count) {
      flat.push_back(psi.global_offset() | i);
      flat.push_back(count);
    }
  }
  const int n = static_cast<int>(flat.size());
  std::vector<int> sizes(static_cast<std::size_t>(comm.size())), offsets(sizes.size(), 0);
  detail::check(MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, comm.get()), "MPI_Allgather");
  for (std::size_t r = 1; r < sizes.size(); ++r) offsets[r] = offsets[r - 1] + sizes[r - 1];
  std::vector<unsigned long long> all(static_cast<std::size_t>(offsets.back() + sizes.back()));
  detail::check(MPI_Allgatherv(flat.data(), n, MPI_UNSIGNED_LONG_LONG, all.data(), sizes.data(), offsets.data(),
                               MPI_UNSIGNED_LONG_LONG, comm.get()),
                "MPI_Allgatherv");
  std::vector<std::pair<index_t, std::uint64_t>> out;
  out.reserve(all.size() / 2);
  for (std::size_t j = 0; j + 1 < all.size(); j += 2) out.emplace_back(all[j], all[j + 1]);
  return out;
}

/**
 * <psi| P |psi> for one weighted Pauli string (weight included). Collective;
 * X and Y on global qubits pair each rank with the rank whose bits they
 * flip, exchanging the slice in chunks.
 */
template <class T>
double expectation(const DistributedStateVector<T>& psi, const PauliTerm& t) {
  using C = std::complex<T>;
  if (t.width() > psi.num_qubits())  // a mask past the state would pair with a rank that does not exist
    throw invalid_argument("Pauli term '" + t.text() + "' acts on qubit " + std::to_string(t.width() - 1) +
                           ", out of range for a " + std::to_string(psi.num_qubits()) + "-qubit state");
  const unsigned nl = psi.num_local_qubits();
  // X/Y flip a bit, Y/Z give (-1)^bit: P|g> = i^num_y (-1)^popcount(g & sign) |g ^ flip>.
  const index_t flip = t.x_mask, sign = t.z_mask;
  const index_t local_mask = psi.local_size() - 1;
  const index_t flip_local = flip & local_mask, sign_local = sign & local_mask;
  const int partner = psi.rank() ^ static_cast<int>(flip >> nl);
  const bool rank_sign = detail::parity(psi.global_offset() & sign);
  std::complex<double> sum = 0;
  if (partner == psi.rank()) {
    // Only local bits flip: the kernels' one-pass sum.
    sum = kernels::active_kernels<T>().pauli_string_sum(psi.local(), flip_local, sign_local, {});
    if (rank_sign) sum = -sum;
  } else {
    // Blocks: our block h pairs with block h ^ (flip_local / block) of the partner.
    const index_t block = std::min(detail::exchange_chunk, psi.local_size());
    const index_t flip_hi = flip_local / block, flip_lo = flip_local % block;
    std::vector<C> in(block);
    const C* local = psi.local().data();
    for (index_t h = 0; h < psi.local_size() / block; ++h) {
      const C* theirs = local + (h ^ flip_hi) * block;
      detail::sendrecv(theirs, in.data(), block, partner, psi.communicator().get());
      theirs = in.data();
      for (index_t lo = 0; lo < block; ++lo) {
        const index_t i = h * block + lo;
        const std::complex<double> term =
            std::conj(std::complex<double>(theirs[lo ^ flip_lo])) * std::complex<double>(local[i]);
        sum += (rank_sign != detail::parity(i & sign_local)) ? -term : term;
      }
    }
  }
  return t.coeff * psi.communicator().sum((t.phase() * sum).real());
}

/**
 * <psi|H|psi>, collective, with the same PauliSum as Simulator::expectation.
 * @code
 *   double zz = qsim::mpi::expectation(psi, qsim::PauliSum{{1.0, "Z0 Z1"}});
 * @endcode
 */
template <class T>
double expectation(const DistributedStateVector<T>& psi, const PauliSum& h) {
  h.check_fits(psi.num_qubits());
  double e = 0;
  for (const auto& t : h.terms()) e += expectation(psi, t);
  return e;
}

/// A Pauli string in Qiskit's label order, one letter per qubit (the last
/// is qubit 0): PauliSum::from_label.
template <class T>
double expectation(const DistributedStateVector<T>& psi, const std::string& label) {
  if (label.size() != psi.num_qubits())
    throw invalid_argument("Pauli string \"" + label + "\" has " + std::to_string(label.size()) + " letters for a " +
                           std::to_string(psi.num_qubits()) + "-qubit state");
  return expectation(psi, PauliSum::from_label(label));
}

}  // namespace mpi
QSIM_END_NAMESPACE
