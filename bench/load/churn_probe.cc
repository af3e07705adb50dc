#include "churn_probe.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http_client.h"

namespace rtcgate::load {
namespace {

int64_t rssKbOf(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

int64_t fdsOf(int pid) {
  std::error_code ec;
  int64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return ec ? -1 : n;
}

// The line of /proc/PID/net/{tcp,tcp6,udp,udp6} that holds socket `inode`, prefixed with its
// table's name; empty when none does.
std::string socketLine(int pid, const std::string& inode) {
  for (const char* table : {"tcp", "tcp6", "udp", "udp6"}) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/net/" + table);
    for (std::string line; std::getline(f, line);) {
      std::istringstream fields(line);
      std::string field;
      for (int i = 0; i < 10 && fields >> field; ++i) {
      }
      if (field == inode) return std::string(table) + ": " + line;
    }
  }
  return {};
}

double mean(std::vector<ServerSample>::const_iterator from, std::vector<ServerSample>::const_iterator to) {
  double sum = 0;
  for (auto it = from; it != to; ++it) sum += static_cast<double>(it->rssKb);
  return to > from ? sum / static_cast<double>(to - from) : 0;
}

}  // namespace

int64_t sessionsInMetrics(const std::string& body) {
  int64_t total = -1;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("rtcgate_sessions{", 0) != 0) continue;
    const size_t space = line.rfind(' ');
    int64_t v = 0;
    if (space == std::string::npos ||
        std::from_chars(line.data() + space + 1, line.data() + line.size(), v).ec != std::errc())
      continue;
    total = std::max<int64_t>(total, 0) + v;
  }
  return total;
}

std::vector<std::string> ServerProbe::descriptors() const {
  std::vector<std::string> out;
  if (pid_ <= 0) return out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid_) + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code rec;
    const auto target = std::filesystem::read_symlink(it->path(), rec);
    out.push_back(it->path().filename().string() + " -> " + (rec ? std::string("?") : target.string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ServerProbe::describe(const std::string& descriptor) const {
  const auto at = descriptor.find("socket:[");
  if (at == std::string::npos || pid_ <= 0) return descriptor;
  const auto end = descriptor.find(']', at);
  const auto line = socketLine(pid_, descriptor.substr(at + 8, end - at - 8));
  return line.empty() ? descriptor : descriptor + "  " + line;
}

ServerSample ServerProbe::sample(double atSec, bool withSessions) const {
  ServerSample s;
  s.atSec = atSec;
  if (pid_ > 0) {
    s.rssKb = rssKbOf(pid_);
    s.fds = fdsOf(pid_);
  }
  if (withSessions && !metricsUrl_.empty()) {
    const HttpResponse res = httpRequest("GET", metricsUrl_, "", "", "", 2000);
    if (res.status == 200) s.sessions = sessionsInMetrics(res.body);
  }
  return s;
}

ChurnVerdict judge(const std::vector<ServerSample>& samples, double warmupSec, double maxGrowthPct) {
  ChurnVerdict v;
  auto first = std::find_if(samples.begin(), samples.end(), [&](const ServerSample& s) { return s.atSec >= warmupSec; });
  const auto after = samples.end() - first;
  if (after < 2 || first->rssKb < 0) return v;
  const auto window = std::max<std::ptrdiff_t>(1, after / 10);
  const double warm = mean(first, first + window);
  const double end = mean(samples.end() - window, samples.end());
  for (auto it = first; it != samples.end(); ++it) v.rssPeakKb = std::max(v.rssPeakKb, it->rssKb);
  v.rssWarmKb = static_cast<int64_t>(warm);
  v.rssEndKb = static_cast<int64_t>(end);
  v.growthPct = warm > 0 ? (end - warm) / warm * 100.0 : 0;
  v.rssOk = warm > 0 && v.growthPct < maxGrowthPct;
  return v;
}

}  // namespace rtcgate::load
