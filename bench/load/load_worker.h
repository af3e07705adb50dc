#pragma once
// LoadWorker: one thread of the load tool — an EventLoop, its PacketPool and DTLS context,
// and the peers it owns, all ticked every few milliseconds on that thread.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "client_peer.h"
#include "crypto/dtls/certificate.h"
#include "latency_index.h"

namespace rtcgate::load {

class LoadWorker {
 public:
  static constexpr int64_t kTickUs = 5'000;

  LoadWorker(int index, Clock& clock);
  ~LoadWorker();
  Status init(std::shared_ptr<const crypto::dtls::Certificate> certificate);
  void start();
  // Closes every peer (DTLS close_notify), then stops and joins the thread.
  void stop();

  PeerEnv env() noexcept { return PeerEnv{loop_, pool_, clock_, *dtls_}; }
  net::EventLoop& loop() noexcept { return loop_; }
  // On the loop thread: takes ownership of a started peer.
  void adopt(std::unique_ptr<ClientPeer> peer) { peers_.push_back(std::move(peer)); }
  // Latency samples (µs) of this worker's subscribers: loop thread, or after stop().
  LatencySamples& latencySamples() noexcept { return latency_; }
  std::atomic<uint64_t>& packetCounter() noexcept { return packets_; }

 private:
  void tick();

  Clock& clock_;
  net::EventLoop loop_;
  PacketPool pool_{4096};
  std::unique_ptr<crypto::dtls::DtlsContext> dtls_;
  net::Timer timer_;
  std::vector<std::unique_ptr<ClientPeer>> peers_;
  LatencySamples latency_;
  std::atomic<uint64_t> packets_{0};
  std::atomic<bool> running_{false};
};

}  // namespace rtcgate::load
