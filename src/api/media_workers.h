#pragma once
// MediaWorkers: the media workers as the control thread sees them. Every call is posted to
// the worker's thread and waits (bounded) for its answer; nothing is shared.

#include <string>
#include <vector>

#include "base/drop_counters.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "net/udp_socket.h"
#include "sfu/router.h"
#include "sfu/session_info.h"
#include "transport/ice/ice_types.h"

namespace rtcgate::api {

// One worker's counters for /metrics.
struct WorkerMetrics {
  unsigned worker = 0;
  size_t sessions = 0;
  sfu::SfuCounters sfu;
  DropCounters drops;  // demux + every transport
  net::UdpSocketStats udp;
  size_t poolBuffers = 0, poolFree = 0;
  sfu::RenditionCounters renditions;
  size_t renditionsRunning = 0;
  size_t frameSinks = 0;  // RTMP players and pushes
};

class MediaWorkers {
 public:
  virtual ~MediaWorkers() = default;
  virtual unsigned count() const = 0;
  virtual SocketAddress udpAddress(unsigned worker) const = 0;
  virtual Status addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace) = 0;
  virtual Status addSubscriber(unsigned worker, sfu::SessionSpec spec) = 0;
  virtual bool closeSession(unsigned worker, const std::string& id, const std::string& reason) = 0;
  virtual bool setQuality(unsigned worker, const std::string& id, const std::string& quality) = 0;
  virtual bool restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                          const transport::ice::IceCredentials& remote) = 0;
  virtual std::vector<sfu::SessionInfo> sessions() = 0;
  virtual std::vector<sfu::StreamInfo> streams() = 0;
  virtual std::vector<WorkerMetrics> metrics() = 0;
};

}  // namespace rtcgate::api
