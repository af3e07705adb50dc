#pragma once
// Small figures both runners compute: percentiles, means, loss percentages, own CPU time.

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace rtcgate::load {

inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

inline double mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// User + system CPU seconds this process has used so far.
inline double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

inline double lossPct(uint64_t lost, uint64_t expected) {
  return expected ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0;
}

}  // namespace rtcgate::load
