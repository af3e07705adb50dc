#pragma once
// LoadWorker: one thread of the load tool — an EventLoop, its PacketPool and DTLS context,
// and the peers it owns, all ticked every few milliseconds on that thread.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "client_peer.h"
#include "crypto/dtls/certificate.h"
#include "latency_index.h"
#include "signaling.h"

namespace rtcgate::load {

// The client-mode transport towards what `remote` (an answer, or the server's offer) says.
WebRtcTransportOptions transportOptions(const std::string& localUfrag, const std::string& localPwd,
                                        const AnswerParams& remote);

class LoadWorker;
// Every worker's latency samples (read after the workers stopped).
std::vector<const LatencySamples*> latencySamples(const std::vector<std::unique_ptr<LoadWorker>>& workers);

// Generates the run's DTLS certificate and starts `count` workers sharing it; on failure
// says why on stderr and returns false.
bool startWorkers(int count, Clock& clock, std::shared_ptr<const crypto::dtls::Certificate>& certificate,
                  std::vector<std::unique_ptr<LoadWorker>>& workers);

class LoadWorker {
 public:
  static constexpr int64_t kTickUs = 5'000;
  static constexpr int64_t kConnectTimeoutUs = 10'000'000;

  LoadWorker(int index, Clock& clock);
  ~LoadWorker();
  Status init(std::shared_ptr<const crypto::dtls::Certificate> certificate);
  void start();
  // Closes every peer (DTLS close_notify), then stops and joins the thread.
  void stop();

  PeerEnv env() noexcept { return PeerEnv{loop_, pool_, clock_, *dtls_}; }
  net::EventLoop& loop() noexcept { return loop_; }
  // On the loop thread: takes ownership of a started peer.
  void adopt(std::unique_ptr<ClientPeer> peer) {
    peers_.push_back(std::move(peer));
    peerCount_.store(peers_.size(), std::memory_order_relaxed);
  }
  // From any thread: the loop thread starts `peer` (its socket bound on `localIp`) and owns
  // it. The pointer returned stays valid until stop().
  template <typename Peer>
  Peer* launch(std::unique_ptr<Peer> peer, std::string localIp, WebRtcTransportOptions options) {
    Peer* raw = peer.get();
    loop_.post([this, p = std::move(peer), ip = std::move(localIp), o = std::move(options)]() mutable {
      (void)p->start(ip, std::move(o));
      adopt(std::move(p));
    });
    return raw;
  }
  // From any thread: the loop thread hands `peer` to `inspect` (its last figures), sends its
  // close_notify and destroys it; launch()'s pointer is dangling after that.
  void retire(ClientPeer* peer, std::function<void(ClientPeer&)> inspect);
  size_t peerCount() const noexcept { return peerCount_.load(std::memory_order_relaxed); }
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
  std::atomic<size_t> peerCount_{0};
};

}  // namespace rtcgate::load
