#pragma once
/// MPI plumbing for the distributed state vector: a duplicated communicator
/// that reports errors as qsim exceptions, and the datatypes we send.
#include <mpi.h>

#include <complex>
#include <string>
#include <type_traits>
#include <utility>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

/// An MPI call failed (the message carries MPI's own error string).
class mpi_error : public error {
 public:
  explicit mpi_error(const std::string& what) : error(what) {}
};

namespace detail {

inline void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw mpi_error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

template <class T>
MPI_Datatype complex_type() {
  return std::is_same_v<T, float> ? MPI_C_FLOAT_COMPLEX : MPI_C_DOUBLE_COMPLEX;
}

}  // namespace detail

/**
 * Our own duplicate of a user communicator: qsim's messages never match the
 * user's, and MPI errors on it come back as `mpi::mpi_error` instead of
 * aborting. By default the rank count must be a power of two. Creating and destroying
 * one are collective over the communicator.
 * @code
 *   qsim::mpi::Communicator comm(MPI_COMM_WORLD);
 *   int r = comm.rank(), k = comm.log2_size();   // 2^k ranks
 * @endcode
 */
class Communicator {
 public:
  /// `power_of_two`: refuse other rank counts (a distributed state needs
  /// them; data-parallel training does not).
  explicit Communicator(MPI_Comm user = MPI_COMM_WORLD, bool power_of_two = true) {
    int initialised = 0, finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    if (!initialised || finalised)
      throw error(std::string("MPI is ") + (finalised ? "already finalised" : "not initialised") +
                  ": call MPI_Init before and MPI_Finalize after using qsim::mpi");
    if (user == MPI_COMM_NULL) throw invalid_argument("MPI_COMM_NULL is not a communicator qsim can run on");
    int inter = 0;
    detail::check(MPI_Comm_test_inter(user, &inter), "MPI_Comm_test_inter");
    if (inter) throw invalid_argument("qsim::mpi needs an intracommunicator, got an intercommunicator");
    detail::check(MPI_Comm_dup(user, &comm_), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    if (power_of_two && (size_ & (size_ - 1)) != 0) {
      release();
      throw invalid_argument(std::to_string(size_) +
                             " MPI ranks: a distributed state needs a power-of-two rank count (1, 2, 4, 8, ...)");
    }
    while ((1 << (log2_size_ + 1)) <= size_) ++log2_size_;  // floor(log2(size))
  }
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;
  Communicator(Communicator&& other) noexcept { swap(other); }
  Communicator& operator=(Communicator&& other) noexcept {
    swap(other);
    return *this;
  }
  ~Communicator() { release(); }

  MPI_Comm get() const noexcept { return comm_; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  /// log2 of the rank count (rounded down when it is not a power of two).
  unsigned log2_size() const noexcept { return log2_size_; }

  /// True when both ranks' groups are the same processes in the same order.
  bool same_group(const Communicator& other) const {
    int result = MPI_UNEQUAL;
    detail::check(MPI_Comm_compare(comm_, other.comm_, &result), "MPI_Comm_compare");
    return result == MPI_IDENT || result == MPI_CONGRUENT;
  }

  /// Sum of `v` over all ranks.
  double sum(double v) const {
    double out = 0;
    detail::check(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
    return out;
  }

  /// Throws on every rank unless every rank passed the same value: arguments
  /// that differ between ranks would otherwise hang a later collective.
  void require_same(unsigned long long v, const char* what) const {
    unsigned long long in[2] = {v, ~v}, out[2] = {0, 0};
    detail::check(MPI_Allreduce(in, out, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm_), "MPI_Allreduce");
    if (out[0] != v || ~out[1] != v)
      throw invalid_argument(std::string("MPI ranks disagree on ") + what + " (this rank: " + std::to_string(v) +
                             ", largest: " + std::to_string(out[0]) + ", smallest: " + std::to_string(~out[1]) + ")");
  }

 private:
  void swap(Communicator& other) noexcept {
    std::swap(comm_, other.comm_);
    std::swap(rank_, other.rank_);
    std::swap(size_, other.size_);
    std::swap(log2_size_, other.log2_size_);
  }
  void release() noexcept {
    int finalised = 0;
    MPI_Finalized(&finalised);
    // After MPI_Finalize nothing may be freed; the handle dies with MPI.
    if (comm_ != MPI_COMM_NULL && !finalised) MPI_Comm_free(&comm_);
    comm_ = MPI_COMM_NULL;
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  unsigned log2_size_ = 0;
};

}  // namespace mpi
QSIM_END_NAMESPACE
