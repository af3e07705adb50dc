#include "load_worker.h"

#include <algorithm>
#include <cstdio>
#include <future>

namespace rtcgate::load {

WebRtcTransportOptions transportOptions(const std::string& localUfrag, const std::string& localPwd,
                                        const AnswerParams& remote) {
  WebRtcTransportOptions t;
  t.localIce = {localUfrag, localPwd};
  t.remoteIce = {remote.iceUfrag, remote.icePwd};
  t.remoteCandidate = *remote.candidate;
  t.dtlsRole = remote.weAreDtlsClient ? crypto::dtls::DtlsRole::kClient : crypto::dtls::DtlsRole::kServer;
  t.remoteFingerprintAlgorithm = remote.fingerprintAlgorithm;
  t.remoteFingerprint = remote.fingerprint;
  t.connectTimeoutUs = LoadWorker::kConnectTimeoutUs;
  return t;
}

std::vector<const LatencySamples*> latencySamples(const std::vector<std::unique_ptr<LoadWorker>>& workers) {
  std::vector<const LatencySamples*> out;
  for (const auto& w : workers) out.push_back(&w->latencySamples());
  return out;
}

bool startWorkers(int count, Clock& clock, std::shared_ptr<const crypto::dtls::Certificate>& certificate,
                  std::vector<std::unique_ptr<LoadWorker>>& workers) {
  auto cert = crypto::dtls::Certificate::generate();
  if (!cert.ok()) {
    std::fprintf(stderr, "rtcgate-load: cannot generate a DTLS certificate: %s\n", cert.error().message);
    return false;
  }
  certificate = std::shared_ptr<const crypto::dtls::Certificate>(std::move(*cert));
  for (int i = 0; i < std::max(1, count); ++i) {
    workers.push_back(std::make_unique<LoadWorker>(i, clock));
    if (auto st = workers.back()->init(certificate); !st.ok()) {
      std::fprintf(stderr, "rtcgate-load: DTLS context: %s\n", st.error().message);
      return false;
    }
    workers.back()->start();
  }
  return true;
}

LoadWorker::LoadWorker(int index, Clock& clock)
    : clock_(clock), loop_("load-" + std::to_string(index)), timer_(loop_) {
  latency_.all.reserve(1 << 20);
  latency_.delta.reserve(1 << 20);
}

LoadWorker::~LoadWorker() { stop(); }

Status LoadWorker::init(std::shared_ptr<const crypto::dtls::Certificate> certificate) {
  auto ctx = crypto::dtls::DtlsContext::create(std::move(certificate));
  if (!ctx.ok()) return ctx.error();
  dtls_ = std::move(*ctx);
  return {};
}

void LoadWorker::start() {
  running_ = true;
  loop_.post([this] { tick(); });
  loop_.start();
}

void LoadWorker::stop() {
  if (!running_) return;
  running_ = false;
  std::promise<void> closed;
  loop_.post([this, &closed] {
    timer_.cancel();
    for (auto& p : peers_) p->close();
    closed.set_value();
  });
  closed.get_future().wait();
  // One more turn so the close_notify datagrams leave the sockets.
  std::promise<void> flushed;
  loop_.post([&flushed] { flushed.set_value(); });
  flushed.get_future().wait();
  loop_.stop();
}

void LoadWorker::retire(ClientPeer* peer, std::function<void(ClientPeer&)> inspect) {
  loop_.post([this, peer, inspect = std::move(inspect)] {
    auto it = std::find_if(peers_.begin(), peers_.end(), [peer](const auto& p) { return p.get() == peer; });
    if (it == peers_.end()) return;
    if (inspect) inspect(**it);
    (*it)->close();
    peers_.erase(it);
    peerCount_.store(peers_.size(), std::memory_order_relaxed);
    // A long churn run keeps no history: the samples only serve a single run's report.
    if (latency_.all.size() > (size_t{1} << 20)) {
      latency_.all.clear();
      latency_.delta.clear();
    }
  });
}

void LoadWorker::tick() {
  if (!running_) return;
  const int64_t now = clock_.nowUs();
  for (auto& p : peers_) p->tick(now);
  timer_.startUs(kTickUs, [this] { tick(); });
}

}  // namespace rtcgate::load
