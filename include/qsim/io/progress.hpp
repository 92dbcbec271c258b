#pragma once
// Progress of long loops (training epochs, optimiser iterations) on stderr:
// on a terminal one line rewritten in place; otherwise (a log, a pipe, CI)
// plain lines, about ten per run, so logs stay short.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

/**
 * Reports step k of n with the caller's metrics, the time per step and the
 * estimated time left:
 * `epoch 12/150  loss 0.4213  acc 0.915  21.3 ms/epoch  2.9 s left`.
 * @code
 *   qsim::io::Progress progress("epoch", epochs);
 *   for (int e = 1; e <= epochs; ++e) { ...; progress.step(e, "loss " + std::to_string(loss)); }
 * @endcode
 */
class Progress {
 public:
  enum class Mode { automatic, terminal, lines, off };

  Progress(std::string unit, std::size_t total, Mode mode = Mode::automatic, std::ostream& out = std::cerr)
      : unit_(std::move(unit)), total_(total), out_(out) {
    if (total == 0) throw invalid_argument("Progress needs at least one " + unit_);
    if (mode == Mode::automatic) mode = isatty(STDERR_FILENO) == 1 && &out == &std::cerr ? Mode::terminal : Mode::lines;
    mode_ = mode;
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() {
    if (mode_ == Mode::terminal && drawn_ && !finished_) out_ << '\n' << std::flush;
  }

  /// Step `done` (1..total) has finished; `metrics` is the caller's text ("loss 0.42").
  void step(std::size_t done, const std::string& metrics = "") {
    if (mode_ == Mode::off || done == 0) return;
    const double elapsed = seconds();
    const bool last = done >= total_;
    if (mode_ == Mode::lines) {
      // About ten lines a run: the first step, every tenth of the run, the last.
      const std::size_t every = total_ >= 10 ? total_ / 10 : 1;
      if (done != 1 && done % every != 0 && !last) return;
    }
    out_ << (mode_ == Mode::terminal ? "\r" : "") << line(done, metrics, elapsed)
         << (mode_ == Mode::terminal ? "\033[K" : "");
    if (mode_ == Mode::lines || last) out_ << '\n';
    out_ << std::flush;
    drawn_ = true;
    finished_ = last;
  }

  /// Erases the terminal line, so that the caller's own output starts on a
  /// clean line (the next step() draws it again below); nothing in line mode.
  void clear() {
    if (mode_ == Mode::terminal && drawn_ && !finished_) out_ << "\r\033[K" << std::flush;
  }

  /// The text of one report (also what the tests check).
  std::string line(std::size_t done, const std::string& metrics, double elapsed) const {
    std::string s = unit_ + " " + std::to_string(done) + "/" + std::to_string(total_);
    if (!metrics.empty()) s += "  " + metrics;
    const double per_step = elapsed / static_cast<double>(done);
    s += "  " + duration(per_step) + "/" + unit_;
    if (done < total_)
      s += "  " + duration(per_step * static_cast<double>(total_ - done)) + " left";
    else
      s += "  " + duration(elapsed) + " in all";
    return s;
  }

  /// "850 us", "21.3 ms", "2.9 s", "3 min 20 s".
  static std::string duration(double s) {
    char buf[48];
    if (s < 1e-3)
      std::snprintf(buf, sizeof buf, "%.0f us", s * 1e6);
    else if (s < 1)
      std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
    else if (s < 120)
      std::snprintf(buf, sizeof buf, "%.1f s", s);
    else
      std::snprintf(buf, sizeof buf, "%.0f min %.0f s", std::floor(s / 60), std::fmod(s, 60.0));
    return buf;
  }

 private:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  std::string unit_;
  std::size_t total_;
  std::ostream& out_;
  Mode mode_ = Mode::lines;
  bool drawn_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace io
QSIM_END_NAMESPACE
