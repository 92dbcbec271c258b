#pragma once
/// NVIDIA GPU energy through NVML, loaded at run time (no build dependency).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#if __has_include(<dlfcn.h>)
#include <dlfcn.h>
#define QSIM_ENERGY_HAS_DLOPEN 1
#else
#define QSIM_ENERGY_HAS_DLOPEN 0
#endif

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Total energy of every NVIDIA GPU since the driver loaded
 * (nvmlDeviceGetTotalEnergyConsumption, Volta and newer). libnvidia-ml is
 * opened with dlopen when the reader is built, so programs build and run on
 * machines without it; there the reader is simply unavailable (see problem()).
 * Never throws.
 * @code
 *   qsim::energy::NvmlReader gpu;
 *   if (gpu.available()) {
 *     auto before = gpu.read_millijoules();
 *     run_on_gpu();
 *     auto after = gpu.read_millijoules();
 *   }
 * @endcode
 */
class NvmlReader {
 public:
  /// `library`: the file name handed to dlopen (the default is the driver's soname).
  explicit NvmlReader(const std::string& library = "libnvidia-ml.so.1") noexcept { open(library); }
  ~NvmlReader() { close(); }
  NvmlReader(const NvmlReader&) = delete;
  NvmlReader& operator=(const NvmlReader&) = delete;

  bool available() const noexcept { return !devices_.empty(); }
  std::size_t num_devices() const noexcept { return devices_.size(); }
  const std::string& problem() const noexcept { return problem_; }
  std::string describe() const { return "nvml: " + std::to_string(devices_.size()) + " gpu"; }

  /// Sum over devices of their energy counters in mJ; nullopt if one cannot be read now.
  std::optional<std::uint64_t> read_millijoules() const noexcept {
    if (devices_.empty()) return std::nullopt;
    std::uint64_t total = 0;
    for (void* dev : devices_) {
      unsigned long long mj = 0;
      if (energy_(dev, &mj) != 0) return std::nullopt;
      total += mj;
    }
    return total;
  }

 private:
  // NVML's C API, declared here so that no NVML header is needed: every call
  // returns nvmlReturn_t (0 = NVML_SUCCESS); nvmlDevice_t is an opaque pointer.
  using init_fn = int (*)();
  using count_fn = int (*)(unsigned*);
  using handle_fn = int (*)(unsigned, void**);
  using energy_fn = int (*)(void*, unsigned long long*);

  void open(const std::string& library) noexcept {
#if QSIM_ENERGY_HAS_DLOPEN
    try {
      lib_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!lib_) {
        problem_ = "no NVIDIA driver library (" + library + ")";
        return;
      }
      auto init = reinterpret_cast<init_fn>(dlsym(lib_, "nvmlInit_v2"));
      auto count = reinterpret_cast<count_fn>(dlsym(lib_, "nvmlDeviceGetCount_v2"));
      auto handle = reinterpret_cast<handle_fn>(dlsym(lib_, "nvmlDeviceGetHandleByIndex_v2"));
      energy_ = reinterpret_cast<energy_fn>(dlsym(lib_, "nvmlDeviceGetTotalEnergyConsumption"));
      shutdown_ = reinterpret_cast<init_fn>(dlsym(lib_, "nvmlShutdown"));
      if (!init || !count || !handle || !energy_ || !shutdown_) {
        problem_ = library + " lacks the NVML energy functions";
        return close();
      }
      if (init() != 0) {
        problem_ = "nvmlInit failed";
        shutdown_ = nullptr;  // nothing to shut down
        return close();
      }
      unsigned n = 0;
      if (count(&n) != 0) n = 0;
      for (unsigned i = 0; i < n; ++i) {
        void* dev = nullptr;
        unsigned long long mj = 0;
        // Keep only GPUs whose counter works (pre-Volta GPUs report NOT_SUPPORTED).
        if (handle(i, &dev) == 0 && energy_(dev, &mj) == 0) devices_.push_back(dev);
      }
      if (devices_.empty()) {
        problem_ = "no GPU with an NVML energy counter";
        close();
      }
    } catch (...) {
      problem_ = "NVML could not be loaded";
      devices_.clear();
    }
#else
    (void)library;
    problem_ = "no dlopen on this platform";
#endif
  }

  void close() noexcept {
#if QSIM_ENERGY_HAS_DLOPEN
    if (shutdown_) shutdown_();
    shutdown_ = nullptr;
    if (lib_) dlclose(lib_);
#endif
    lib_ = nullptr;
    devices_.clear();
  }

  void* lib_ = nullptr;
  energy_fn energy_ = nullptr;
  init_fn shutdown_ = nullptr;
  std::vector<void*> devices_;
  std::string problem_;
};

}  // namespace energy
QSIM_END_NAMESPACE
