#include "load_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <thread>

#include "http_signaler.h"
#include "load_worker.h"
#include "loopback_sfu.h"
#include "publisher.h"
#include "run_math.h"
#include "signaling.h"
#include "subscriber.h"

namespace rtcgate::load {
namespace {

using Ms = std::chrono::milliseconds;
constexpr size_t kMaxErrorsKept = 8;
constexpr int64_t kConnectTimeoutUs = LoadWorker::kConnectTimeoutUs;

// One WHEP session as the signaling thread sees it.
struct Session {
  Subscriber* peer = nullptr;  // owned by its worker
  std::string location;
  int64_t postedUs = 0;
};

WebRtcTransportOptions transportOptions(const OfferParams& offer, const AnswerParams& a) {
  return load::transportOptions(offer.iceUfrag, offer.icePwd, a);
}

// The stages of one run, in order; each returns false (having said why) to abort.
class LoadRunner {
 public:
  explicit LoadRunner(const LoadOptions& o) : o_(o), http_(o.token, o.iceIp) {}

  int run(LoadReport* out) {
    if (!startSignaling() || !prepareMedia() || !startWorkers()) return 2;
    if (!startPublisher()) return 1;
    const double cpuStart = cpuSeconds();
    const int64_t wallStart = clock_.nowUs();
    rampSubscribers();
    measure();
    teardown();
    report_.toolCpuCores = (cpuSeconds() - cpuStart) / std::max(1e-3, static_cast<double>(clock_.nowUs() - wallStart) / 1e6);
    aggregate();
    printReport(report_);
    if (!o_.json.empty() && !writeJson(report_, o_.json)) std::fprintf(stderr, "rtcgate-load: cannot write %s\n", o_.json.c_str());
    const int rc = report_.connected > 0 ? 0 : 1;
    if (out != nullptr) *out = std::move(report_);
    return rc;
  }

 private:
  bool startSignaling() {
    report_.server = o_.loopback ? "built-in loopback forwarder" : expandUrl(o_.whepUrl, o_.stream);
    report_.stream = o_.stream;
    report_.codec = o_.media.codec == VideoCodec::kVp8 ? "vp8" : "h264";
    report_.requested = o_.subscribers;
    if (!o_.loopback) return true;
    loopback_ = std::make_unique<LoopbackSfu>(clock_);
    loopback_->setDropRate(o_.loopbackDropPct / 100.0);
    if (auto st = loopback_->start(o_.localIp); !st.ok()) {
      std::fprintf(stderr, "rtcgate-load: loopback forwarder: %s\n", st.error().message);
      return false;
    }
    return true;
  }
  Signaler& signaler() { return loopback_ ? static_cast<Signaler&>(*loopback_) : http_; }

  bool prepareMedia() {
    const int64_t start = clock_.nowUs();
    auto clip = encodeClip(o_.media);
    if (!clip.ok()) {
      std::fprintf(stderr, "rtcgate-load: encoding failed: %s\n", clip.error().message);
      return false;
    }
    schedule_ = buildSchedule(*clip, o_.media.codec);
    latency_.build(latencyKeys(schedule_), keyframePackets(schedule_));
    const double secs = static_cast<double>(clip->durationUs) / 1e6;
    std::printf("encoded %zu video frames (%u keyframes, %.2f Mbit/s) and %zu Opus frames in %.1f s; "
                "%zu packets per %.0f s loop, %zu latency-indexed\n",
                clip->video.size(), schedule_.keyframes, static_cast<double>(schedule_.videoBytes) * 8 / secs / 1e6,
                clip->audio.size(), static_cast<double>(clock_.nowUs() - start) / 1e6, schedule_.packets.size(), secs,
                latency_.size());
    std::fflush(stdout);
    return true;
  }

  bool startWorkers() { return load::startWorkers(o_.threads, clock_, certificate_, workers_); }

  OfferParams offerFor(bool publisher) const {
    return freshOffer(publisher, o_.media.codec, certificate_->sdpFingerprint(), "load-");
  }

  bool startPublisher() {
    const OfferParams offer = offerFor(true);
    std::string error;
    auto pub = signaler().post(true, expandUrl(o_.whipUrl, o_.stream), buildOffer(offer), error);
    if (!pub) {
      std::fprintf(stderr, "rtcgate-load: publisher: %s\n", error.c_str());
      return false;
    }
    publisherLocation_ = pub->location;
    LoadWorker& w = *workers_[0];
    auto peer = std::make_unique<Publisher>(w.env(), singleLayerSetup(o_.media.codec, schedule_, offer, latency_),
                                            pub->answer);
    publisher_ = w.launch(std::move(peer), o_.localIp, transportOptions(offer, pub->answer));
    const int64_t deadline = clock_.nowUs() + kConnectTimeoutUs + 1'000'000;
    auto pending = [&] {
      const auto st = publisher_->state();
      return st == TransportState::kNew || st == TransportState::kConnecting;
    };
    while (pending() && clock_.nowUs() < deadline) std::this_thread::sleep_for(Ms(10));
    if (publisher_->state() != TransportState::kConnected) {
      std::fprintf(stderr, "rtcgate-load: publisher transport did not connect to %s\n",
                   pub->answer.candidate->toString().c_str());
      (void)signaler().remove(publisherLocation_);
      return false;
    }
    std::printf("publisher connected (%s), sending\n", publisherLocation_.c_str());
    return true;
  }

  void keepError(std::string e) {
    if (report_.errors.size() < kMaxErrorsKept) report_.errors.push_back(std::move(e));
  }

  // WHEP sessions at --ramp-per-sec, round-robin over the workers.
  void rampSubscribers() {
    const int64_t rampStart = clock_.nowUs();
    const std::string whep = expandUrl(o_.whepUrl, o_.stream);
    for (int i = 0; i < o_.subscribers; ++i) {
      const auto due = rampStart + static_cast<int64_t>(i * 1e6 / std::max(0.1, o_.rampPerSec));
      if (const int64_t wait = due - clock_.nowUs(); wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
      const OfferParams offer = offerFor(false);
      const int64_t posted = clock_.nowUs();
      std::string error;
      auto sig = signaler().post(false, whep, buildOffer(offer), error);
      if (!sig) {
        ++report_.signalingFailed;
        keepError(error);
        continue;
      }
      LoadWorker& w = *workers_[static_cast<size_t>(i) % workers_.size()];
      auto sub = std::make_unique<Subscriber>(w.env(), sig->answer, o_.media.codec, latency_, w.latencySamples(),
                                              w.packetCounter());
      sub->setSimulatedLoss(o_.subscriberDropPct / 100.0);
      sessions_.push_back(Session{sub.get(), sig->location, posted});
      w.launch(std::move(sub), o_.localIp, transportOptions(offer, sig->answer));
    }
    std::printf("%zu subscribers signaled in %.1f s (%d failed)\n", sessions_.size(),
                static_cast<double>(clock_.nowUs() - rampStart) / 1e6, report_.signalingFailed);
  }

  // --duration seconds after the ramp, with a progress line per second.
  void measure() {
    const int64_t endUs = clock_.nowUs() + static_cast<int64_t>(o_.durationSec * 1e6);
    uint64_t lastPackets = 0;
    while (clock_.nowUs() < endUs) {
      std::this_thread::sleep_for(Ms(1000));
      uint64_t packets = 0;
      for (auto& w : workers_) packets += w->packetCounter().load(std::memory_order_relaxed);
      const auto connected = std::count_if(sessions_.begin(), sessions_.end(),
                                           [](const Session& s) { return s.peer->state() == TransportState::kConnected; });
      std::printf("  t-%4.0fs  connected %3ld/%zu  rx %7llu pkt/s\n", static_cast<double>(endUs - clock_.nowUs()) / 1e6,
                  static_cast<long>(connected), sessions_.size(), static_cast<unsigned long long>(packets - lastPackets));
      std::fflush(stdout);
      lastPackets = packets;
    }
  }

  // WHIP/WHEP teardown order: DELETE the sessions (viewers first), then close the transports.
  void teardown() {
    int deleteFailures = 0;
    for (const auto& s : sessions_) {
      if (auto e = signaler().remove(s.location); !e.empty() && deleteFailures++ == 0) keepError(e);
    }
    if (auto e = signaler().remove(publisherLocation_); !e.empty()) keepError(e);
    stopUs_ = clock_.nowUs();
    for (auto& w : workers_) w->stop();
  }

  void aggregate() {
    std::vector<double> firstKey, connect;
    ReceiveTotals totals;
    report_.minKeyframes = UINT64_MAX;
    for (const auto& sess : sessions_) {
      const Subscriber& s = *sess.peer;
      if (s.connectedAtUs() == 0) {  // never connected (the state now says closed for the rest)
        ++report_.transportFailed;
        keepError("subscriber " + sess.location + ": " + s.failureReason());
        continue;
      }
      ++report_.connected;
      connect.push_back(static_cast<double>(s.connectedAtUs() - sess.postedUs) / 1000.0);
      const SubscriberStats st = s.stats();
      report_.minKeyframes = std::min(report_.minKeyframes, st.keyframes);
      if (st.packets == 0) {
        ++report_.neverGotMedia;
        continue;
      }
      totals.add(st, std::max(1e-3, static_cast<double>(stopUs_ - st.firstMediaUs) / 1e6), report_);
      if (st.firstKeyframeUs) firstKey.push_back(static_cast<double>(st.firstKeyframeUs - s.connectedAtUs()) / 1000.0);
      report_.simulatedDrops += st.simulatedDrops;
    }
    if (report_.minKeyframes == UINT64_MAX) report_.minKeyframes = 0;
    totals.finish(report_);
    report_.firstKeyframeMsP50 = percentile(firstKey, 0.5);
    report_.firstKeyframeMsMax = percentile(firstKey, 1.0);
    report_.connectMsP50 = percentile(connect, 0.5);
    report_.connectMsMax = percentile(connect, 1.0);
    summarizeLatency(latencySamples(workers_), report_);
    report_.publisher = publisher_->stats();
    report_.seconds = static_cast<double>(stopUs_ - report_.publisher.startedUs) / 1e6;
    if (report_.seconds > 0) {
      report_.publisherPacketsPerSec = static_cast<double>(report_.publisher.packets) / report_.seconds;
      report_.publisherMbitPerSec = static_cast<double>(report_.publisher.bytes) * 8 / report_.seconds / 1e6;
    }
  }

  const LoadOptions& o_;
  SteadyClock clock_;
  HttpSignaler http_;
  std::unique_ptr<LoopbackSfu> loopback_;  // declared before the workers: outlives their peers
  MediaSchedule schedule_;
  LatencyIndex latency_;
  std::shared_ptr<const crypto::dtls::Certificate> certificate_;
  std::vector<std::unique_ptr<LoadWorker>> workers_;
  Publisher* publisher_ = nullptr;
  std::string publisherLocation_;
  std::vector<Session> sessions_;
  int64_t stopUs_ = 0;
  LoadReport report_;
};

}  // namespace

std::string expandUrl(const std::string& tmpl, const std::string& stream) {
  std::string out = tmpl;
  for (size_t pos; (pos = out.find("{stream}")) != std::string::npos;) out.replace(pos, 8, stream);
  return out;
}

int runLoad(const LoadOptions& options, LoadReport* out) {
  LoadRunner runner(options);
  return runner.run(out);
}

}  // namespace rtcgate::load
