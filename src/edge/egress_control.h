#pragma once
// EgressControl: the RTMP pushes of streams as the admin API sees them
// (POST/GET/DELETE /api/streams/{stream}/egress). Implemented by the app on the control thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rtcgate::edge {

// One push and how it is doing.
struct EgressInfo {
  std::string id;
  std::string stream;
  std::string state;  // "connecting" | "publishing" | "retrying" | "stopped"
  std::string url;    // stream key masked
  uint64_t bytesSent = 0;
  uint64_t framesSent = 0;
  uint64_t framesDropped = 0;
  uint32_t connects = 0;
  std::string lastError;
  int64_t retryInMs = 0;
  int64_t publishingSinceMs = 0;
  int64_t createdMs = 0;
};

// Why a push could not start: an HTTP status and a reason for the caller.
struct EgressRefusal {
  int status = 400;
  std::string reason;
};

class EgressControl {
 public:
  virtual ~EgressControl() = default;
  // The push that started, or why none did (on the control thread).
  using Started = std::function<void(std::optional<EgressRefusal> refused, EgressInfo push)>;
  // Starts pushing `stream` to `url` (rtmp://host[:port]/app/key); `done` is told when the
  // stream's worker has taken the push (at once when it is refused here).
  virtual void start(const std::string& stream, const std::string& url, Started done) = 0;
  virtual std::vector<EgressInfo> list(const std::string& stream) const = 0;
  // False when no such push of that stream exists.
  virtual bool stop(const std::string& stream, const std::string& id) = 0;
};

}  // namespace rtcgate::edge
