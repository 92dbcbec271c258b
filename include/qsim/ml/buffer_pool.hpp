#pragma once
// Buffers the training engine hands back after a call, for the next call
// to reuse: a batch of small circuits allocates a few hundred kilobytes per
// forward and backward, and freeing them lets the C library return the
// pages to the system, so that every call faults them in again (measured:
// ~14 page faults, 30-40 us, per 50 us training step of the two-moons model).
// Thread-safe; it keeps at most max_buffers buffers and max_bytes bytes.
#include <algorithm>
#include <cstddef>
#include <mutex>
#include <vector>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {
namespace detail {

template <class T>
class BufferPool {
 public:
  static constexpr std::size_t max_buffers = 32;
  static constexpr std::size_t max_bytes = std::size_t{64} << 20;

  BufferPool() { free_.reserve(max_buffers); }

  /// A buffer of `n` values, zero.
  std::vector<T> take(std::size_t n) {
    std::vector<T> v = reuse(n);
    v.assign(n, T(0));
    return v;
  }

  /// A buffer of `n` values whose contents are unspecified (a workspace the
  /// caller writes before it reads): a reused buffer is not cleared again.
  std::vector<T> take_uninitialized(std::size_t n) {
    std::vector<T> v = reuse(n);
    v.resize(n);
    return v;
  }

  /// Gives `v` back (dropped when the pool is full).
  void give(std::vector<T>&& v) {
    const std::size_t size = v.capacity() * sizeof(T);
    if (size == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() >= max_buffers || bytes_ + size > max_bytes) return;
    bytes_ += size;
    free_.push_back(std::move(v));
  }

 private:
  // The smallest free buffer that holds n values (its old contents), or an empty one.
  std::vector<T> reuse(std::size_t n) {
    std::vector<T> v;
    std::lock_guard<std::mutex> lock(mutex_);
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it)
      if (it->capacity() >= n && (best == free_.end() || it->capacity() < best->capacity())) best = it;
    if (best != free_.end()) {
      bytes_ -= best->capacity() * sizeof(T);
      v = std::move(*best);
      free_.erase(best);
    }
    return v;
  }

  std::mutex mutex_;
  std::vector<std::vector<T>> free_;
  std::size_t bytes_ = 0;
};

}  // namespace detail
}  // namespace ml
QSIM_END_NAMESPACE
