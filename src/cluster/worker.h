#pragma once
// Worker: one media thread — its event loop, packet pool, the UDP port its peers share (and
// the same port number over TCP for ICE-TCP), the demux of both and the SFU router of the
// streams it holds.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/drop_counters.h"
#include "base/executor.h"
#include "base/packet_buffer.h"
#include "cluster/ice_tcp_server.h"
#include "codec/codec_pool.h"
#include "crypto/dtls/dtls_context.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "sfu/router.h"
#include "sfu/peer_host.h"
#include "transport/webrtc/peer_demux.h"

namespace rtcgate::cluster {

// Told (on the worker thread) when a session ends by itself: failure, consent loss, BYE.
class WorkerObserver {
 public:
  virtual ~WorkerObserver() = default;
  virtual void onSessionEnded(unsigned worker, const std::string& id, const std::string& reason) = 0;
  // A frame source (RTMP publisher) was ended by the worker (replaced, closed by an operator).
  virtual void onFrameSourceEnded(unsigned worker, const std::string& id, const std::string& reason) = 0;
  // A relay link to another node's worker ended (its relays end as sessions).
  virtual void onRelayLinkEnded(unsigned worker, const std::string& id, const std::string& reason) {
    (void)worker;
    (void)id;
    (void)reason;
  }
  // A session's transport connected for the first time (it is no longer pending).
  virtual void onSessionConnected(unsigned worker, const std::string& id) {
    (void)worker;
    (void)id;
  }
};

class Worker final : public net::UdpSocketListener, public sfu::PeerHost, public Executor {
 public:
  Worker(unsigned index, std::shared_ptr<const crypto::dtls::Certificate> certificate, WorkerObserver& observer);
  ~Worker() override;

  // Binds the worker's UDP port (and, with ICE-TCP, a TCP listener on the same port number:
  // with port 0, a free number that is free for both) and starts its thread.
  Status start(const SocketAddress& udpAddress);
  void stop();

  unsigned index() const noexcept { return index_; }
  const SocketAddress& udpAddress() const noexcept { return udpAddress_; }
  // The ICE-TCP listening address (tagged TCP), empty when ICE-TCP is off.
  const SocketAddress& tcpAddress() const noexcept { return tcpAddress_; }
  // Turns ICE-TCP on with these bounds (before start).
  void enableIceTcp(IceTcpLimits limits) { iceTcpLimits_ = limits; }

  // Renditions of this worker's streams run on `pool` (set before start; null: pass-through only).
  void setCodecPool(codec::CodecPool* pool, sfu::EncodeOptions encode) noexcept {
    codecPool_ = pool;
    encode_ = encode;
  }

  // Runs `fn(router)` on the worker thread without waiting (frames, teardown).
  template <typename Fn>
  void postToRouter(Fn fn) {
    loop_.post([this, fn = std::move(fn)]() mutable {
      if (router_) fn(*router_);
    });
  }
  // Runs `fn(router)` here and now; only on the worker thread (inside a posted call).
  template <typename Fn>
  auto withRouter(Fn&& fn) -> decltype(fn(std::declval<sfu::Router&>())) {
    return fn(*router_);
  }
  // When the worker's loop last ran its tick (every 5 ms), on the steady clock: a worker
  // that has not ticked for a while is stalled. Any thread may read it.
  int64_t lastTickUs() const noexcept { return lastTickUs_.load(std::memory_order_relaxed); }
  // Counters that only the worker thread may read, copied there.
  DropCounters demuxDrops() const noexcept;
  IceTcpStats iceTcpStats() const noexcept { return iceTcp_ ? iceTcp_->stats() : IceTcpStats{}; }
  const net::UdpSocketStats& socketStats() const noexcept { return socket_.stats(); }
  const PacketPool& packetPool() const noexcept { return pool_; }

  // net::UdpSocketListener
  void onDatagram(PacketRef packet, const SocketAddress& from) override;
  // sfu::PeerHost
  Clock& clock() override { return clock_; }
  PacketPool& pool() override { return pool_; }
  crypto::dtls::DtlsContext& dtlsContext() override { return *dtls_; }
  transport::webrtc::PeerDemux& demux() override { return demux_; }
  void sendDatagram(PacketRef datagram, const SocketAddress& to) override;
  void onPeerEnded(sfu::Peer& peer, std::string_view reason) override;
  void onPeerConnected(sfu::Peer& peer) override;
  sfu::StreamContext streamContext() override { return {codecPool_, this, encode_}; }
  void onFrameSourceEnded(const std::string& id, std::string_view reason) override;
  void onRelayEnded(const std::string& id, std::string_view reason) override;
  void onRelayLinkEnded(const std::string& id, std::string_view reason) override;
  // Executor (transcoded frames come back through it)
  void post(std::function<void()> fn) override { loop_.post(std::move(fn)); }

 private:
  void tick();
  Status bind(const SocketAddress& udpAddress);
  // Shutdown only: tears the router down on the worker thread and waits for it.
  void teardown();

  unsigned index_;
  WorkerObserver& observer_;
  SteadyClock clock_;
  net::EventLoop loop_;
  PacketPool pool_;
  net::UdpSocket socket_;
  SocketAddress udpAddress_;
  SocketAddress tcpAddress_;
  std::unique_ptr<crypto::dtls::DtlsContext> dtls_;
  transport::webrtc::PeerDemux demux_;
  std::optional<IceTcpLimits> iceTcpLimits_;
  std::unique_ptr<IceTcpServer> iceTcp_;
  std::unique_ptr<sfu::Router> router_;
  net::Timer tickTimer_;
  codec::CodecPool* codecPool_ = nullptr;
  sfu::EncodeOptions encode_;
  std::atomic<int64_t> lastTickUs_{0};  // read by the control thread: is the loop turning?
};

}  // namespace rtcgate::cluster
