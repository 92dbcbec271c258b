#pragma once
#include <mpi.h>

#include <climits>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/mpi/communicator.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

/**
 * The 2^n amplitudes of an n-qubit state split over the 2^k ranks of a
 * communicator: rank r holds a `StateVector<T>` slice of the n-k low
 * ("local") qubits, for basis indices r * 2^(n-k) ... (r+1) * 2^(n-k) - 1, so
 * the k high ("global") qubits are the bits of the rank. Construction is
 * collective and checks that every rank asks for the same n.
 * @code
 *   MPI_Init(&argc, &argv);
 *   {
 *     qsim::mpi::DistributedStateVector<double> psi(30);   // |0...0> over all ranks
 *     double nrm = psi.norm();                               // collective: 1 on every rank
 *   }
 *   MPI_Finalize();
 * @endcode
 */
template <class T>
class DistributedStateVector {
 public:
  using value_type = std::complex<T>;
  using real_type = T;

  /// |0...0> on `num_qubits` qubits spread over `comm` (duplicated internally).
  explicit DistributedStateVector(unsigned num_qubits, MPI_Comm comm = MPI_COMM_WORLD)
      : DistributedStateVector(num_qubits, std::make_shared<const Communicator>(comm)) {}

  /// The same communicator as `other` (no new MPI_Comm_dup), |0...0>.
  DistributedStateVector(unsigned num_qubits, const DistributedStateVector& other)
      : DistributedStateVector(num_qubits, other.comm_) {}

  /// |0...0> on an existing qsim communicator (shared, no new MPI_Comm_dup).
  DistributedStateVector(unsigned num_qubits, std::shared_ptr<const Communicator> comm)
      : comm_(std::move(comm)), num_qubits_(num_qubits), local_(checked_local_qubits(num_qubits, *comm_)) {
    reset();
  }

  /**
   * This rank's slice of a full state that every rank holds (tests, small
   * states): scatter without communication.
   */
  static DistributedStateVector from_full(const StateVector<T>& full, MPI_Comm comm = MPI_COMM_WORLD) {
    DistributedStateVector out(full.num_qubits(), comm);
    const index_t first = out.global_offset();
    std::memcpy(static_cast<void*>(out.local_.data()), full.data() + first, out.local_size() * sizeof(value_type));
    return out;
  }

  unsigned num_qubits() const noexcept { return num_qubits_; }
  /// Qubits 0 .. num_local_qubits()-1 are local; the rest are the rank's bits.
  unsigned num_local_qubits() const noexcept { return local_.num_qubits(); }
  unsigned num_global_qubits() const noexcept { return comm_->log2_size(); }
  bool is_global(qubit_t q) const noexcept { return q >= num_local_qubits(); }
  /// Value of global qubit `q` on this rank.
  int rank_bit(qubit_t q) const noexcept { return (comm_->rank() >> (q - num_local_qubits())) & 1; }

  int rank() const noexcept { return comm_->rank(); }
  int num_ranks() const noexcept { return comm_->size(); }
  const Communicator& communicator() const noexcept { return *comm_; }
  const std::shared_ptr<const Communicator>& shared_communicator() const noexcept { return comm_; }

  /// This rank's amplitudes; local index i is global index global_offset() + i.
  StateVector<T>& local() noexcept { return local_; }
  const StateVector<T>& local() const noexcept { return local_; }
  index_t local_size() const noexcept { return local_.size(); }
  index_t global_offset() const noexcept { return static_cast<index_t>(comm_->rank()) << num_local_qubits(); }

  /// Bytes this rank has sent for gates since construction or reset_bytes_sent().
  std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }
  void reset_bytes_sent() noexcept { bytes_sent_ = 0; }
  /// Called by the exchange routines to account their traffic.
  void count_sent(std::uint64_t bytes) noexcept { bytes_sent_ += bytes; }

  /// Back to |0...0> (no communication).
  void reset() noexcept {
    std::memset(static_cast<void*>(local_.data()), 0, local_size() * sizeof(value_type));
    if (comm_->rank() == 0) local_[0] = value_type(1, 0);
  }

  /// Squared norm over all ranks (collective).
  double squared_norm() const { return comm_->sum(local_.squared_norm()); }
  /// Norm over all ranks (collective).
  double norm() const { return std::sqrt(squared_norm()); }

  /// <this|other> over all ranks (collective); both must share the communicator's group.
  std::complex<double> inner(const DistributedStateVector& other) const {
    check_compatible(other, "inner product");
    const std::complex<double> mine = kernels::active_kernels<T>().inner_product(local_, other.local_, {});
    double in[2] = {mine.real(), mine.imag()}, out[2] = {0, 0};
    detail::check(MPI_Allreduce(in, out, 2, MPI_DOUBLE, MPI_SUM, comm_->get()), "MPI_Allreduce");
    return {out[0], out[1]};
  }

  /**
   * The whole state on every rank (MPI_Allgather; collective). Only for
   * states that fit in one process: it is the memory the split avoids.
   */
  StateVector<T> gather() const {
    StateVector<T> full(num_qubits_);
    gather_into(full.data());
    return full;
  }

  /// The amplitude of global basis index `i` on every rank (collective broadcast from its owner).
  value_type amplitude(index_t i) const {
    if (i >> num_qubits_)
      throw invalid_argument("basis index " + std::to_string(i) + " out of range for a " + std::to_string(num_qubits_) +
                             "-qubit state");
    const int owner = static_cast<int>(i >> num_local_qubits());
    value_type a = owner == comm_->rank() ? local_[i & (local_size() - 1)] : value_type(0);
    detail::check(MPI_Bcast(&a, 1, detail::complex_type<T>(), owner, comm_->get()), "MPI_Bcast");
    return a;
  }

  /// Throws (on every rank alike) unless `other` lives on the same ranks with the same width.
  void check_compatible(const DistributedStateVector& other, const char* what) const {
    if (!comm_->same_group(*other.comm_))
      throw invalid_argument(std::string(what) + " of states on different communicators");
    if (other.num_qubits_ != num_qubits_)
      throw invalid_argument(std::string(what) + " of a " + std::to_string(num_qubits_) + "-qubit and a " +
                             std::to_string(other.num_qubits_) + "-qubit state");
  }

 private:
  static unsigned checked_local_qubits(unsigned n, const Communicator& comm) {
    comm.require_same(n, "the number of qubits of a distributed state");
    const unsigned k = comm.log2_size();
    // Gates on global qubits are served by swapping them with free local
    // qubits, so a slice needs at least as many qubits as the widest gate;
    // two is the floor (a one-qubit gate plus its swap partner).
    if (n < k + 2)
      throw invalid_argument("a " + std::to_string(n) + "-qubit state cannot be split over " +
                             std::to_string(comm.size()) +
                             " ranks: each rank needs at least 2 local qubits (n >= " + std::to_string(k + 2) + ")");
    return n - k;
  }

  void gather_into(value_type* dest) const {
    const index_t count = local_size();
    if (count > static_cast<index_t>(INT_MAX))
      throw invalid_argument("gather of slices with " + std::to_string(count) + " amplitudes exceeds MPI's int count");
    detail::check(MPI_Allgather(local_.data(), static_cast<int>(count), detail::complex_type<T>(), dest,
                                static_cast<int>(count), detail::complex_type<T>(), comm_->get()),
                  "MPI_Allgather");
  }

  std::shared_ptr<const Communicator> comm_;
  unsigned num_qubits_ = 0;
  StateVector<T> local_;
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace mpi
QSIM_END_NAMESPACE
