// A stand-in for libnvidia-ml with two GPUs, so the NVML reader can be tested
// on machines without NVIDIA hardware. Only the functions NvmlReader resolves,
// with NVML's C signatures (0 = NVML_SUCCESS); fake_nvml_* steer it.
namespace {
unsigned long long energy_mj[2] = {1000, 5000};
bool initialised = false;
bool fail_reads = false;
int devices[2];
}  // namespace

extern "C" {
int nvmlInit_v2() {
  initialised = true;
  return 0;
}
int nvmlShutdown() {
  initialised = false;
  return 0;
}
int nvmlDeviceGetCount_v2(unsigned* count) {
  *count = 2;
  return initialised ? 0 : 1;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device) {
  if (index >= 2) return 2;  // NVML_ERROR_INVALID_ARGUMENT
  *device = &devices[index];
  return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* mj) {
  if (fail_reads || !initialised) return 999;  // NVML_ERROR_UNKNOWN
  *mj = energy_mj[static_cast<int*>(device) - devices];
  return 0;
}
void fake_nvml_add(unsigned device, unsigned long long mj) { energy_mj[device] += mj; }
void fake_nvml_fail(bool fail) { fail_reads = fail; }
bool fake_nvml_initialised() { return initialised; }
}
