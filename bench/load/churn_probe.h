#pragma once
// What the churn mode watches on the server (resident memory, open files, live sessions)
// and how it judges a run's memory: the mean of the first window after warm-up against the
// mean of the last window, so the ebb and flow of live sessions does not count as growth.

#include <cstdint>
#include <string>
#include <vector>

namespace rtcgate::load {

struct ServerSample {
  double atSec = 0;
  int64_t rssKb = -1;     // VmRSS; -1 when unknown (no pid)
  int64_t fds = -1;       // entries in /proc/<pid>/fd
  int64_t sessions = -1;  // sum of rtcgate_sessions in /metrics
  size_t toolLive = 0;    // sessions the tool held open at that moment
};

class ServerProbe {
 public:
  ServerProbe(int pid, std::string metricsUrl) : pid_(pid), metricsUrl_(std::move(metricsUrl)) {}
  // `withSessions` false: /proc only, no /metrics request.
  ServerSample sample(double atSec, bool withSessions = true) const;
  // What each open descriptor is ("socket:[123]", a path...), sorted; empty without a pid.
  std::vector<std::string> descriptors() const;
  // `descriptor` with its socket's line of /proc/PID/net/* (addresses, state) when it is one.
  std::string describe(const std::string& descriptor) const;

 private:
  int pid_;
  std::string metricsUrl_;
};

// Sums every `rtcgate_sessions{...} N` line of a Prometheus text body; -1 when there is none.
int64_t sessionsInMetrics(const std::string& body);

struct ChurnVerdict {
  int64_t rssWarmKb = 0, rssEndKb = 0, rssPeakKb = 0;
  double growthPct = 0;
  bool rssOk = false;
};

// Windows are a tenth of the time after warm-up (at least one sample each). With too few
// samples after warm-up the verdict is not ok.
ChurnVerdict judge(const std::vector<ServerSample>& samples, double warmupSec, double maxGrowthPct);

}  // namespace rtcgate::load
