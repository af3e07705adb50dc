#include "load_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <thread>

#include "base/random.h"
#include "http_signaler.h"
#include "loopback_sfu.h"
#include "load_worker.h"
#include "publisher.h"
#include "signaling.h"
#include "subscriber.h"

namespace rtcgate::load {
namespace {

using Ms = std::chrono::milliseconds;
constexpr size_t kMaxErrorsKept = 8;
constexpr int64_t kConnectTimeoutUs = 10'000'000;

// One WHIP/WHEP session as the signaling thread sees it.
struct Session {
  ClientPeer* peer = nullptr;  // owned by its worker
  std::string location;
  int64_t postedUs = 0;
};

void keepError(LoadReport& r, std::string e) {
  if (r.errors.size() < kMaxErrorsKept) r.errors.push_back(std::move(e));
}

WebRtcTransportOptions transportOptions(const OfferParams& offer, const AnswerParams& a) {
  WebRtcTransportOptions t;
  t.localIce = {offer.iceUfrag, offer.icePwd};
  t.remoteIce = {a.iceUfrag, a.icePwd};
  t.remoteCandidate = *a.candidate;
  t.dtlsRole = a.weAreDtlsClient ? crypto::dtls::DtlsRole::kClient : crypto::dtls::DtlsRole::kServer;
  t.remoteFingerprintAlgorithm = a.fingerprintAlgorithm;
  t.remoteFingerprint = a.fingerprint;
  t.connectTimeoutUs = kConnectTimeoutUs;
  return t;
}

OfferParams offerFor(bool publisher, const LoadOptions& o, const crypto::dtls::Certificate& cert) {
  OfferParams p;
  p.publisher = publisher;
  p.codec = o.media.codec;
  p.iceUfrag = randomIceString(8);
  p.icePwd = randomIceString(24);
  p.fingerprint = cert.sdpFingerprint();
  p.cname = "load-" + randomIceString(8);
  if (publisher) {
    p.audioSsrc = randomU32() | 1;
    p.videoSsrc = randomU32() | 2;
    p.videoRtxSsrc = randomU32() | 4;
  }
  return p;
}

template <typename Pred>
bool waitFor(Pred done, int64_t timeoutUs, Clock& clock) {
  const int64_t deadline = clock.nowUs() + timeoutUs;
  while (!done()) {
    if (clock.nowUs() > deadline) return false;
    std::this_thread::sleep_for(Ms(10));
  }
  return true;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

std::string expandUrl(const std::string& tmpl, const std::string& stream) {
  std::string out = tmpl;
  for (size_t pos; (pos = out.find("{stream}")) != std::string::npos;) out.replace(pos, 8, stream);
  return out;
}

int runLoad(const LoadOptions& o, LoadReport* out) {
  SteadyClock clock;
  HttpSignaler http(o.token, o.iceIp);
  std::unique_ptr<LoopbackSfu> loopback;
  if (o.loopback) {
    loopback = std::make_unique<LoopbackSfu>(clock);
    loopback->setDropRate(o.loopbackDropPct / 100.0);
    if (auto st = loopback->start(o.localIp); !st.ok()) {
      std::fprintf(stderr, "rtcgate-load: loopback forwarder: %s\n", st.error().message);
      return 2;
    }
  }
  Signaler& signaler = loopback ? static_cast<Signaler&>(*loopback) : http;
  LoadReport report;
  report.server = o.loopback ? "built-in loopback forwarder" : expandUrl(o.whepUrl, o.stream);
  report.stream = o.stream;
  report.codec = o.media.codec == VideoCodec::kVp8 ? "vp8" : "h264";
  report.requested = o.subscribers;

  const int64_t encodeStart = clock.nowUs();
  auto clip = encodeClip(o.media);
  if (!clip.ok()) {
    std::fprintf(stderr, "rtcgate-load: encoding failed: %s\n", clip.error().message);
    return 2;
  }
  const MediaSchedule schedule = buildSchedule(*clip, o.media.codec);
  LatencyIndex latency;
  latency.build(latencyKeys(schedule));
  std::printf("encoded %zu video frames (%llu keyframes, %.2f Mbit/s) and %zu Opus frames in %.1f s; %zu packets per %.0f s loop, %zu latency-indexed\n",
              clip->video.size(), static_cast<unsigned long long>(schedule.keyframes),
              static_cast<double>(schedule.videoBytes) * 8 / (static_cast<double>(clip->durationUs) / 1e6) / 1e6,
              clip->audio.size(), static_cast<double>(clock.nowUs() - encodeStart) / 1e6, schedule.packets.size(),
              static_cast<double>(clip->durationUs) / 1e6, latency.size());

  auto cert = crypto::dtls::Certificate::generate();
  if (!cert.ok()) {
    std::fprintf(stderr, "rtcgate-load: cannot generate a DTLS certificate: %s\n", cert.error().message);
    return 2;
  }
  std::shared_ptr<const crypto::dtls::Certificate> certificate(std::move(*cert));
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (int i = 0; i < std::max(1, o.threads); ++i) {
    workers.push_back(std::make_unique<LoadWorker>(i, clock));
    if (auto st = workers.back()->init(certificate); !st.ok()) {
      std::fprintf(stderr, "rtcgate-load: DTLS context: %s\n", st.error().message);
      return 2;
    }
    workers.back()->start();
  }

  // The publisher.
  const OfferParams pubOffer = offerFor(true, o, *certificate);
  std::string error;
  auto pub = signaler.post(true, expandUrl(o.whipUrl, o.stream), buildOffer(pubOffer), error);
  if (!pub) {
    std::fprintf(stderr, "rtcgate-load: publisher: %s\n", error.c_str());
    return 1;
  }
  auto publisherOwned = std::make_unique<Publisher>(workers[0]->env(), schedule, latency, pub->answer, o.media.codec,
                                                    pubOffer.audioSsrc, pubOffer.videoSsrc, pubOffer.videoRtxSsrc);
  Publisher* publisher = publisherOwned.get();
  LoadWorker* w0 = workers[0].get();
  const auto pubOptions = transportOptions(pubOffer, pub->answer);
  w0->loop().post([w0, p = std::move(publisherOwned), pubOptions, ip = o.localIp]() mutable {
    (void)p->start(ip, pubOptions);
    w0->adopt(std::move(p));
  });
  if (!waitFor([&] { return publisher->state() != TransportState::kConnecting && publisher->state() != TransportState::kNew; },
               kConnectTimeoutUs + 1'000'000, clock) ||
      publisher->state() != TransportState::kConnected) {
    std::fprintf(stderr, "rtcgate-load: publisher transport did not connect to %s\n", pub->answer.candidate->toString().c_str());
    (void)signaler.remove(pub->location);
    for (auto& w : workers) w->stop();
    return 1;
  }
  std::printf("publisher connected (%s), sending\n", pub->location.c_str());

  // Subscribers, ramped, round-robin over the workers.
  std::vector<Session> sessions;
  std::vector<Subscriber*> subscribers;
  const int64_t rampStart = clock.nowUs();
  const std::string whep = expandUrl(o.whepUrl, o.stream);
  for (int i = 0; i < o.subscribers; ++i) {
    const auto due = rampStart + static_cast<int64_t>(i * 1e6 / std::max(0.1, o.rampPerSec));
    if (const int64_t wait = due - clock.nowUs(); wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
    const OfferParams offer = offerFor(false, o, *certificate);
    const int64_t posted = clock.nowUs();
    auto sig = signaler.post(false, whep, buildOffer(offer), error);
    if (!sig) {
      ++report.signalingFailed;
      keepError(report, error);
      continue;
    }
    LoadWorker* w = workers[static_cast<size_t>(i) % workers.size()].get();
    auto sub = std::make_unique<Subscriber>(w->env(), sig->answer, o.media.codec, latency, w->latencySamples(),
                                            w->packetCounter());
    subscribers.push_back(sub.get());
    sessions.push_back(Session{sub.get(), sig->location, posted});
    w->loop().post([w, s = std::move(sub), opts = transportOptions(offer, sig->answer), ip = o.localIp]() mutable {
      (void)s->start(ip, opts);
      w->adopt(std::move(s));
    });
  }
  std::printf("%zu subscribers signaled in %.1f s (%d failed)\n", sessions.size(),
              static_cast<double>(clock.nowUs() - rampStart) / 1e6, report.signalingFailed);

  // Measure, with a progress line per second.
  const int64_t endUs = clock.nowUs() + static_cast<int64_t>(o.durationSec * 1e6);
  uint64_t lastPackets = 0;
  while (clock.nowUs() < endUs) {
    std::this_thread::sleep_for(Ms(1000));
    uint64_t packets = 0;
    for (auto& w : workers) packets += w->packetCounter().load(std::memory_order_relaxed);
    const auto connected = std::count_if(subscribers.begin(), subscribers.end(),
                                         [](Subscriber* s) { return s->state() == TransportState::kConnected; });
    std::printf("  t-%4.0fs  connected %3ld/%zu  rx %7llu pkt/s\n", static_cast<double>(endUs - clock.nowUs()) / 1e6,
                static_cast<long>(connected), subscribers.size(), static_cast<unsigned long long>(packets - lastPackets));
    std::fflush(stdout);
    lastPackets = packets;
  }
  // WHIP/WHEP teardown order: DELETE the sessions (viewers first), then close the transports.
  int deleteFailures = 0;
  for (const auto& s : sessions) {
    if (auto e = signaler.remove(s.location); !e.empty() && deleteFailures++ == 0) keepError(report, e);
  }
  if (auto e = signaler.remove(pub->location); !e.empty()) keepError(report, e);
  const int64_t stopUs = clock.nowUs();
  for (auto& w : workers) w->stop();

  // Aggregate.
  std::vector<double> losses, audioLosses, firstKey, connect;
  double rxPackets = 0, rxBits = 0;
  report.minKeyframes = UINT64_MAX;
  for (const auto& sess : sessions) {
    auto* s = static_cast<Subscriber*>(sess.peer);
    if (s->connectedAtUs() == 0) {  // never connected (the state now says closed for the rest)
      ++report.transportFailed;
      keepError(report, "subscriber " + sess.location + ": " + s->failureReason());
      continue;
    }
    ++report.connected;
    connect.push_back(static_cast<double>(s->connectedAtUs() - sess.postedUs) / 1000.0);
    const SubscriberStats st = s->stats();
    report.minKeyframes = std::min(report.minKeyframes, st.keyframes);
    if (st.packets == 0) {
      ++report.neverGotMedia;
      continue;
    }
    const double secs = std::max(1e-3, static_cast<double>(stopUs - st.firstMediaUs) / 1e6);
    rxPackets += static_cast<double>(st.packets) / secs;
    rxBits += static_cast<double>(st.bytes) * 8 / secs;
    auto pct = [](uint64_t lost, uint64_t expected) {
      return expected ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0;
    };
    losses.push_back(pct(st.videoLost, st.videoExpected));
    audioLosses.push_back(pct(st.audioLost, st.audioExpected));
    if (st.firstKeyframeUs) firstKey.push_back(static_cast<double>(st.firstKeyframeUs - s->connectedAtUs()) / 1000.0);
    report.keyframes += st.keyframes;
    report.nacksSent += st.nacksSent;
    report.nackedSeqs += st.nackedSeqs;
    report.rtxReceived += st.rtxPackets;
    report.recovered += st.recovered;
    report.plisSent += st.plisSent;
    report.duplicates += st.duplicates;
  }
  if (report.minKeyframes == UINT64_MAX) report.minKeyframes = 0;
  report.rxPacketsPerSec = rxPackets;
  report.rxMbitPerSec = rxBits / 1e6;
  if (!losses.empty()) {
    report.meanLossPct = std::accumulate(losses.begin(), losses.end(), 0.0) / static_cast<double>(losses.size());
    report.worstLossPct = *std::max_element(losses.begin(), losses.end());
    report.meanAudioLossPct = std::accumulate(audioLosses.begin(), audioLosses.end(), 0.0) / static_cast<double>(audioLosses.size());
    report.worstAudioLossPct = *std::max_element(audioLosses.begin(), audioLosses.end());
  }
  report.firstKeyframeMsP50 = percentile(firstKey, 0.5);
  report.firstKeyframeMsMax = percentile(firstKey, 1.0);
  report.connectMsP50 = percentile(connect, 0.5);
  report.connectMsMax = percentile(connect, 1.0);
  std::vector<int32_t> samples;
  for (auto& w : workers) samples.insert(samples.end(), w->latencySamples().begin(), w->latencySamples().end());
  report.latency = summarizeLatency(samples);
  report.publisher = publisher->stats();
  report.seconds = static_cast<double>(stopUs - report.publisher.startedUs) / 1e6;
  if (report.seconds > 0) {
    report.publisherPacketsPerSec = static_cast<double>(report.publisher.packets) / report.seconds;
    report.publisherMbitPerSec = static_cast<double>(report.publisher.bytes) * 8 / report.seconds / 1e6;
  }
  printReport(report);
  if (!o.json.empty() && !writeJson(report, o.json)) std::fprintf(stderr, "rtcgate-load: cannot write %s\n", o.json.c_str());
  const int rc = report.connected > 0 ? 0 : 1;
  if (out != nullptr) *out = std::move(report);
  return rc;
}

}  // namespace rtcgate::load
