#pragma once
// MediaWorkers: the media workers as the control thread sees them. Every call is posted to
// the worker's thread and answered by a completion posted back to the control thread: the
// control thread never waits for a worker, and nothing is shared.

#include <functional>
#include <string>
#include <vector>

#include "base/drop_counters.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "cluster/ice_tcp_server.h"
#include "net/udp_socket.h"
#include "sfu/router.h"
#include "sfu/session_info.h"
#include "transport/ice/ice_types.h"

namespace rtcgate::cluster {

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
  IceTcpStats iceTcp;
};

// A worker's answer, run on the control thread (possibly before the call returns).
template <typename T>
using Completion = std::function<void(T)>;

class MediaWorkers {
 public:
  virtual ~MediaWorkers() = default;
  virtual unsigned count() const = 0;
  virtual SocketAddress udpAddress(unsigned worker) const = 0;
  // The worker's ICE-TCP address (same port number, tagged TCP); empty when ICE-TCP is off.
  virtual SocketAddress tcpAddress(unsigned worker) const {
    (void)worker;
    return {};
  }
  // Start a session. A worker that does not answer in time gets a timeout error, and the
  // session is rolled back on it (never started later).
  virtual void addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace, Completion<Status> done) = 0;
  virtual void addSubscriber(unsigned worker, sfu::SessionSpec spec, Completion<Status> done) = 0;
  // A room participant's subscriber connection (a consumer per binding), and each
  // renegotiation of it. Timed out like the calls above.
  virtual void addRoomSubscriber(unsigned worker, sfu::SessionSpec spec, std::vector<sfu::ConsumerBinding> bindings,
                                 Completion<Status> done) = 0;
  virtual void updateConsumers(unsigned worker, const std::string& id, wire::sdp::NegotiatedSession negotiated,
                               std::vector<sfu::ConsumerBinding> bindings, Completion<Status> done) = 0;
  // Posted: pause, resume or change the layer of one m-line of a room subscriber.
  virtual void setConsumerOptions(unsigned worker, const std::string& id, const std::string& mid,
                                  sfu::ConsumerOptions options) = 0;
  // The audio levels of a worker's streams under `prefix` (a room's); empty on a timeout.
  virtual void audioLevels(unsigned worker, std::string prefix,
                           Completion<std::vector<std::pair<std::string, float>>> done) = 0;
  // Posted; the session ends on its worker.
  virtual void closeSession(unsigned worker, const std::string& id, const std::string& reason) = 0;
  // False: no such session (or the worker did not answer in time, and nothing changed).
  virtual void setQuality(unsigned worker, const std::string& id, sfu::Quality quality, Completion<bool> done) = 0;
  virtual void restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                          const transport::ice::IceCredentials& remote, Completion<bool> done) = 0;
  // Snapshots of every worker: fresh from each worker that answers at once, the last one
  // known from a worker that does not, so a stalled worker never delays the answer.
  virtual void sessions(Completion<std::vector<sfu::SessionInfo>> done) = 0;
  virtual void streams(Completion<std::vector<sfu::StreamInfo>> done) = 0;
  virtual void metrics(Completion<std::vector<WorkerMetrics>> done) = 0;
};

}  // namespace rtcgate::cluster
