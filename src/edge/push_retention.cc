#include "edge/push_retention.h"

#include <algorithm>
#include <utility>

namespace rtcgate::edge {

std::vector<std::string> pushesToForget(const std::map<std::string, PushRecord>& pushes, int64_t nowMs,
                                        const PushRetention& retention) {
  std::vector<std::string> out;
  // Ended pushes by stream, newest first.
  std::map<std::string, std::vector<std::pair<int64_t, const std::string*>>> ended;
  for (const auto& [id, p] : pushes) {
    if (p.endedMs < 0) continue;
    if (nowMs - p.endedMs >= retention.keepMs) {
      out.push_back(id);
      continue;
    }
    ended[p.stream].emplace_back(p.endedMs, &id);
  }
  for (auto& [stream, list] : ended) {
    if (list.size() <= retention.keepPerStream) continue;
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = retention.keepPerStream; i < list.size(); ++i) out.push_back(*list[i].second);
  }
  return out;
}

}  // namespace rtcgate::edge
