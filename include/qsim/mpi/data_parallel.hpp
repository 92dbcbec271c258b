#pragma once
#include <mpi.h>

#include <Eigen/Dense>
#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <utility>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/mpi/communicator.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

/**
 * Data-parallel training over the ranks of a communicator (any rank count):
 * each rank takes a contiguous block of the batch rows, computes the
 * gradient of the *whole batch's* loss restricted to its rows (divide by the
 * global batch size, not the block's), and `sum()` adds the blocks' gradients
 * over all ranks with MPI_Allreduce. Every rank then holds the full-batch
 * gradient and applies the same optimizer step, so the weights stay
 * identical on every rank (`check_identical()` verifies it) and, for the
 * same seed, equal to one-process training up to rounding of the sum order.
 * @code
 *   qsim::mpi::DataParallel dp;                            // MPI_COMM_WORLD
 *   auto [first, count] = dp.block(x.rows());
 *   Eigen::VectorXd g = my_gradient(x.middleRows(first, count), y.middleRows(first, count), w) / x.rows();
 *   dp.sum(g);                                             // the full-batch gradient, on every rank
 *   w -= learning_rate * g;
 * @endcode
 */
class DataParallel {
 public:
  explicit DataParallel(MPI_Comm comm = MPI_COMM_WORLD) : comm_(comm, /*power_of_two=*/false) {}

  int rank() const noexcept { return comm_.rank(); }
  int size() const noexcept { return comm_.size(); }
  const Communicator& communicator() const noexcept { return comm_; }

  /// (first row, row count) of this rank's block of a `rows`-row batch; the
  /// first rows % size ranks take one row more. A rank may get 0 rows.
  std::pair<Eigen::Index, Eigen::Index> block(Eigen::Index rows) const {
    if (rows < 0) throw invalid_argument("a batch of " + std::to_string(rows) + " rows");
    comm_.require_same(static_cast<unsigned long long>(rows), "the batch size");
    const Eigen::Index k = comm_.size(), r = comm_.rank();
    const Eigen::Index base = rows / k, extra = rows % k;
    return {r * base + std::min(r, extra), base + (r < extra ? 1 : 0)};
  }

  /// Replaces `g` on every rank by its sum over all ranks (MPI_Allreduce).
  void sum(Eigen::Ref<Eigen::MatrixXd> g) const {
    comm_.require_same(static_cast<unsigned long long>(g.size()), "the gradient size");
    Eigen::MatrixXd packed = g;  // contiguous, whatever g's strides
    if (packed.size() > INT_MAX) throw invalid_argument("a gradient of " + std::to_string(packed.size()) + " entries");
    detail::check(
        MPI_Allreduce(MPI_IN_PLACE, packed.data(), static_cast<int>(packed.size()), MPI_DOUBLE, MPI_SUM, comm_.get()),
        "MPI_Allreduce");
    g = packed;
  }
  /// The sum of `v` over all ranks.
  double sum(double v) const { return comm_.sum(v); }

  /// Throws on every rank unless `w` is bitwise the same on every rank.
  void check_identical(const Eigen::Ref<const Eigen::MatrixXd>& w) const {
    comm_.require_same(static_cast<unsigned long long>(w.size()), "the number of weights");
    Eigen::MatrixXd mine = w, root = w;
    detail::check(MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0, comm_.get()), "MPI_Bcast");
    int same = std::memcmp(mine.data(), root.data(), static_cast<std::size_t>(mine.size()) * sizeof(double)) == 0;
    int all = 0;
    detail::check(MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_LAND, comm_.get()), "MPI_Allreduce");
    if (!all) throw error("weights differ between MPI ranks");
  }

 private:
  Communicator comm_;
};

}  // namespace mpi
QSIM_END_NAMESPACE
