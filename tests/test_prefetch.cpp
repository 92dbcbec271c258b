// The block prefetch of the kernels (qsim/kernels/prefetch.hpp) asks for
// exactly the cache lines the gate will touch, each once and before the
// gate reaches it, for random targets and controls; a wrong request would
// only cost speed, so these checks are the only place it would show.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include <qsim/kernels/prefetch.hpp>

namespace {

using qsim::index_t;
using qsim::kernels::detail::BlockPrefetch;
using qsim::kernels::detail::ZeroInserter;

}  // namespace

TEST_CASE("block prefetch requests each touched line once, ahead of use", "[kernels][prefetch]") {
  constexpr std::size_t line = 64;  // one batch per cache line, as with AVX-512
  std::mt19937_64 rng(11);
  int active = 0, with_near_controls = 0, with_far_streams = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const unsigned n = 8 + static_cast<unsigned>(rng() % 9);  // batch index bits: 8..16
    std::vector<unsigned> all(n);
    for (unsigned i = 0; i < n; ++i) all[i] = i;
    std::shuffle(all.begin(), all.end(), rng);
    const unsigned k = 1 + static_cast<unsigned>(rng() % 3), c = static_cast<unsigned>(rng() % 3);
    const std::vector<unsigned> targets(all.begin(), all.begin() + k), controls(all.begin() + k, all.begin() + k + c);
    index_t control_bits = 0;
    for (unsigned q : controls) control_bits |= index_t{1} << q;
    std::vector<unsigned> inserted = targets;
    inserted.insert(inserted.end(), controls.begin(), controls.end());
    const ZeroInserter insert(inserted, control_bits);
    const index_t groups = index_t{1} << (n - k - c);
    const BlockPrefetch prefetch(insert, 0, nullptr, line, groups);
    if (!prefetch.active()) continue;
    ++active;
    for (unsigned q : controls) with_near_controls += (std::size_t{1} << q) * line < BlockPrefetch::far_bytes;
    for (unsigned q : targets) with_far_streams += (std::size_t{1} << q) * line >= BlockPrefetch::far_bytes;

    std::map<std::size_t, int> requested;  // line offset -> times requested
    std::set<std::size_t> touched;
    bool late = false, stray = false;
    // Two ranges one after the other, as two threads split the groups.
    const index_t mid = static_cast<index_t>(rng() % (groups + 1));
    for (auto [begin, end] : {std::pair<index_t, index_t>{0, mid}, {mid, groups}}) {
      index_t g = begin;
      qsim::kernels::detail::walk_with_prefetch(
          begin, end, insert, 0, prefetch,
          [&](index_t base) {
            for (index_t j = 0; j < (index_t{1} << k); ++j) {
              const std::size_t offset = (base + qsim::kernels::detail::spread_bits(j, targets)) * line;
              touched.insert(offset);
              // Lines of the first `lead` blocks have nobody to request them.
              if ((g >> prefetch.block_log()) >= prefetch.lead_blocks() && requested.count(offset) == 0) late = true;
            }
            ++g;
          },
          [&](std::size_t offset) { ++requested[offset]; });
    }
    INFO("n=" << n << " targets " << Catch::Detail::stringify(targets) << " controls "
              << Catch::Detail::stringify(controls) << " split at group " << mid);
    REQUIRE(touched.size() == groups << k);
    CHECK_FALSE(late);
    for (const auto& [offset, times] : requested) {
      if (times != 1 || touched.count(offset) == 0) stray = true;
    }
    CHECK_FALSE(stray);
    const std::size_t lead_lines = static_cast<std::size_t>(prefetch.lead_blocks() << prefetch.block_log()) << k;
    CHECK(requested.size() + lead_lines >= touched.size());
  }
  // The random gates reached every kind of plan.
  CHECK(active > 100);
  CHECK(with_near_controls > 10);
  CHECK(with_far_streams > 10);
}

TEST_CASE("block prefetch stays off where the hardware copes", "[kernels][prefetch]") {
  constexpr std::size_t line = 64;
  // Pairs 64 B apart: one stream in effect; 128 KiB apart: separate streams.
  CHECK_FALSE(BlockPrefetch(ZeroInserter({0}, 0), 0, nullptr, line, 1 << 15).active());
  CHECK_FALSE(BlockPrefetch(ZeroInserter({11}, 0), 0, nullptr, line, 1 << 15).active());
  // 1 KiB apart: on, blocks of 32 lines (16 groups), requested 4 KiB ahead.
  const BlockPrefetch near(ZeroInserter({4}, 0), 0, nullptr, line, 1 << 15);
  REQUIRE(near.active());
  CHECK(near.block_log() == 4);
  CHECK(near.lead_blocks() == 2);
}
