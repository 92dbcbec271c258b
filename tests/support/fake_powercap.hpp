#pragma once
// A throw-away powercap tree in a temporary folder, for testing the RAPL
// reader without root or real sensors.
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace test_support {

class FakePowercap {
 public:
  FakePowercap() {
    static std::atomic<int> counter{0};
    root_ = std::filesystem::temp_directory_path() /
            ("qsim_powercap_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  ~FakePowercap() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakePowercap(const FakePowercap&) = delete;
  FakePowercap& operator=(const FakePowercap&) = delete;

  const std::filesystem::path& root() const { return root_; }

  /// A zone folder `dir` (e.g. "intel-rapl:0") with its name, counter and range files.
  void zone(const std::string& dir, const std::string& name, std::uint64_t energy_uj, std::uint64_t max_range_uj) {
    std::filesystem::create_directories(root_ / dir);
    write(dir + "/name", name + "\n");
    set(dir, energy_uj);
    write(dir + "/max_energy_range_uj", std::to_string(max_range_uj) + "\n");
  }
  void set(const std::string& dir, std::uint64_t energy_uj) {
    write(dir + "/energy_uj", std::to_string(energy_uj) + "\n");
  }
  void write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative, std::ios::trunc) << text;
  }
  void remove(const std::string& relative) { std::filesystem::remove_all(root_ / relative); }

 private:
  std::filesystem::path root_;
};

}  // namespace test_support
