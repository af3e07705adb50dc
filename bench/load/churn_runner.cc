// The churn mode of rtcgate-load (`make soak`): WHIP publishers and WHEP viewers opened and
// closed at a steady rate for a long time, each with media, while the server's memory, open
// files and live sessions are sampled. Exits 0 only when nothing leaked or grew.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <thread>

#include "churn_probe.h"
#include "http_signaler.h"
#include "load_runner.h"
#include "load_worker.h"
#include "publisher.h"
#include "subscriber.h"

namespace rtcgate::load {
namespace {

using Ms = std::chrono::milliseconds;

// One open session as the signaling thread tracks it.
struct Live {
  ClientPeer* peer = nullptr;
  LoadWorker* worker = nullptr;
  std::string location;
  int64_t closeAtUs = 0;
  bool publisher = false;
};

// Counted on the workers' threads as sessions retire.
struct Outcomes {
  std::atomic<uint64_t> connected{0}, neverConnected{0}, viewersWithMedia{0}, viewersWithoutMedia{0};
  std::atomic<uint64_t> packetsReceived{0}, packetsSent{0};
};

class ChurnRunner {
 public:
  explicit ChurnRunner(const LoadOptions& o) : o_(o), http_(o.token, o.iceIp), probe_(o.serverPid, o.metricsUrl) {}

  int run() {
    if (!prepareMedia() || !startWorkers(o_.threads, clock_, certificate_, workers_)) return 2;
    startUs_ = clock_.nowUs();
    before_ = probe_.sample(0);
    descriptorsBefore_ = probe_.descriptors();
    std::printf("churn: %d sessions at %.1f/s, each held %.0f s, %d viewers per publisher; server pid %d\n",
                o_.churnSessions, o_.rampPerSec, o_.churnHoldSec, o_.churnViewers, o_.serverPid);
    std::fflush(stdout);
    drive();
    for (auto& w : workers_) w->stop();
    const bool drained = waitForDrain();
    return report(drained);
  }

 private:
  bool prepareMedia() {
    auto clip = encodeClip(o_.media);
    if (!clip.ok()) {
      std::fprintf(stderr, "rtcgate-load: encoding failed: %s\n", clip.error().message);
      return false;
    }
    schedule_ = buildSchedule(*clip, o_.media.codec);
    latency_.build(latencyKeys(schedule_), keyframePackets(schedule_));
    return true;
  }

  double elapsedSec() const { return static_cast<double>(clock_.nowUs() - startUs_) / 1e6; }

  OfferParams offerFor(bool publisher) const {
    return freshOffer(publisher, o_.media.codec, certificate_->sdpFingerprint(), "churn-");
  }

  // Sessions come in groups: a publisher on a fresh stream, then its viewers one per tick.
  // The publisher closes after its last viewer, so every viewer plays a live stream.
  void drive() {
    const int group = 1 + o_.churnViewers;
    const double period = 1.0 / std::max(0.1, o_.rampPerSec);
    int next = 0;
    double nextSample = 0;
    while (next < o_.churnSessions || !live_.empty()) {
      const int64_t now = clock_.nowUs();
      closeDue(now);
      const int64_t due = startUs_ + static_cast<int64_t>(next * period * 1e6);
      if (next < o_.churnSessions && now >= due) {
        const bool publisher = next % group == 0;
        if (publisher) stream_ = "churn-" + std::to_string(next / group);
        const double hold = publisher ? o_.churnHoldSec + (group - 1) * period + 1.0 : o_.churnHoldSec;
        open(publisher, now + static_cast<int64_t>(hold * 1e6), next);
        ++next;
        lastOpenSec_ = elapsedSec();
      }
      if (elapsedSec() >= nextSample) {
        samples_.push_back(probe_.sample(elapsedSec()));
        samples_.back().toolLive = live_.size();
        nextSample += o_.sampleSec;
        if (samples_.size() % std::max<size_t>(1, static_cast<size_t>(60 / o_.sampleSec)) == 1) printProgress(next);
      }
      std::this_thread::sleep_for(Ms(5));
    }
  }

  void open(bool publisher, int64_t closeAtUs, int index) {
    const OfferParams offer = offerFor(publisher);
    const std::string url = expandUrl(publisher ? o_.whipUrl : o_.whepUrl, stream_);
    std::string error;
    auto sig = http_.post(publisher, url, buildOffer(offer), error);
    ++opened_;
    if (!sig) {
      ++signalingFailed_;
      keepError(error);
      return;
    }
    LoadWorker& w = *workers_[static_cast<size_t>(index) % workers_.size()];
    ClientPeer* peer = nullptr;
    if (publisher) {
      peer = w.launch(std::make_unique<Publisher>(w.env(), singleLayerSetup(o_.media.codec, schedule_, offer, latency_),
                                                  sig->answer),
                      o_.localIp,
                      transportOptions(offer.iceUfrag, offer.icePwd, sig->answer));
    } else {
      peer = w.launch(std::make_unique<Subscriber>(w.env(), sig->answer, o_.media.codec, latency_, w.latencySamples(),
                                                   w.packetCounter()),
                      o_.localIp, transportOptions(offer.iceUfrag, offer.icePwd, sig->answer));
    }
    live_.push_back(Live{peer, &w, sig->location, closeAtUs, publisher});
  }

  // DELETE (the WHIP/WHEP way to end a session), then the worker closes and frees the peer.
  // Viewers go before publishers: when the tool falls behind and both are due at once, a
  // publisher ended first would end its viewers' sessions before their own DELETE.
  void closeDue(int64_t now) {
    closeDue(now, false);
    closeDue(now, true);
  }
  void closeDue(int64_t now, bool publishers) {
    for (auto it = live_.begin(); it != live_.end();) {
      if (it->closeAtUs > now || it->publisher != publishers) {
        ++it;
        continue;
      }
      if (auto e = http_.remove(it->location); !e.empty()) {
        ++deleteFailed_;
        keepError(e);
      }
      it->worker->retire(it->peer, [out = &outcomes_, publisher = it->publisher](ClientPeer& p) {
        if (p.connectedAtUs() == 0) {
          ++out->neverConnected;
          return;
        }
        ++out->connected;
        if (publisher) {
          out->packetsSent += static_cast<Publisher&>(p).stats().packets;
          return;
        }
        const uint64_t packets = static_cast<Subscriber&>(p).stats().packets;
        out->packetsReceived += packets;
        ++(packets > 0 ? out->viewersWithMedia : out->viewersWithoutMedia);
      });
      it = live_.erase(it);
    }
  }

  // The server ends a session a moment after its DELETE; give it a few seconds.
  // The descriptors are counted a moment after the /metrics request, whose own connection
  // the server closes only once it has seen ours close (a slow, sanitized build takes a
  // while): the probe must not count itself as a leak.
  bool waitForDrain() {
    for (int i = 0; i < 40; ++i) {
      after_ = probe_.sample(elapsedSec());
      std::this_thread::sleep_for(Ms(250));
      after_.fds = probe_.sample(elapsedSec(), false).fds;
      if (after_.sessions == 0 && (before_.fds < 0 || after_.fds <= before_.fds)) return true;
    }
    return false;
  }

  void keepError(std::string e) {
    if (errors_.size() < 8) errors_.push_back(std::move(e));
  }

  void printProgress(int next) const {
    const ServerSample& s = samples_.back();
    std::printf("  %6.0f s  opened %6d  live %3zu  server: sessions %3lld  rss %7lld kB  fds %4lld\n", s.atSec, next,
                live_.size(), static_cast<long long>(s.sessions), static_cast<long long>(s.rssKb),
                static_cast<long long>(s.fds));
    std::fflush(stdout);
  }

  int report(bool drained) {
    ChurnVerdict v = judge(samples_, o_.warmupSec, o_.maxRssGrowthPct);
    const uint64_t failed = signalingFailed_ + deleteFailed_ + outcomes_.neverConnected + outcomes_.viewersWithoutMedia;
    const bool sessionsOk = failed * 1000 <= static_cast<uint64_t>(std::max(1, opened_));  // at most 0.1 %
    const bool fdsOk = before_.fds < 0 || after_.fds <= before_.fds;
    const bool ok = drained && after_.sessions == 0 && fdsOk && v.rssOk && sessionsOk;
    nlohmann::json j = {
        {"sessions_opened", opened_},
        {"seconds", elapsedSec()},
        {"open_seconds", lastOpenSec_},
        {"sessions_per_second", opened_ / std::max(1e-3, lastOpenSec_)},
        {"signaling_failed", signalingFailed_},
        {"delete_failed", deleteFailed_},
        {"never_connected", outcomes_.neverConnected.load()},
        {"viewers_with_media", outcomes_.viewersWithMedia.load()},
        {"viewers_without_media", outcomes_.viewersWithoutMedia.load()},
        {"packets_sent", outcomes_.packetsSent.load()},
        {"packets_received", outcomes_.packetsReceived.load()},
        {"rss_kb_at_warmup", v.rssWarmKb},
        {"rss_kb_at_end", v.rssEndKb},
        {"rss_kb_peak", v.rssPeakKb},
        {"rss_growth_pct", v.growthPct},
        {"fds_before", before_.fds},
        {"fds_after", after_.fds},
        {"server_sessions_after", after_.sessions},
        {"errors", errors_},
        {"ok", ok},
    };
    std::printf("%s\n", j.dump(2).c_str());
    if (!o_.json.empty()) {
      std::ofstream f(o_.json);
      f << j.dump(2) << "\n";
      nlohmann::json series = nlohmann::json::array();
      for (const auto& s : samples_) series.push_back({s.atSec, s.rssKb, s.fds, s.sessions, s.toolLive});
      std::ofstream(o_.json + ".samples") << series.dump() << "\n";
    }
    if (!v.rssOk) std::printf("churn: FAIL: RSS grew %.2f %% after warm-up (limit %.1f %%)\n", v.growthPct, o_.maxRssGrowthPct);
    if (!fdsOk) {
      std::printf("churn: FAIL: %lld file descriptors more than before; now open and not before:\n",
                  static_cast<long long>(after_.fds - before_.fds));
      for (const auto& d : probe_.descriptors())
        if (std::find(descriptorsBefore_.begin(), descriptorsBefore_.end(), d) == descriptorsBefore_.end())
          std::printf("  %s\n", probe_.describe(d).c_str());
    }
    if (!drained || after_.sessions != 0) std::printf("churn: FAIL: %lld sessions left on the server\n", static_cast<long long>(after_.sessions));
    if (!sessionsOk) std::printf("churn: FAIL: %llu failed sessions of %d\n", static_cast<unsigned long long>(failed), opened_);
    if (ok) std::printf("churn: ok\n");
    return ok ? 0 : 1;
  }

  const LoadOptions& o_;
  SteadyClock clock_;
  HttpSignaler http_;
  ServerProbe probe_;
  MediaSchedule schedule_;
  LatencyIndex latency_;
  std::shared_ptr<const crypto::dtls::Certificate> certificate_;
  std::vector<std::unique_ptr<LoadWorker>> workers_;
  std::deque<Live> live_;
  std::string stream_;
  int64_t startUs_ = 0;
  double lastOpenSec_ = 0;
  int opened_ = 0;
  uint64_t signalingFailed_ = 0, deleteFailed_ = 0;
  Outcomes outcomes_;
  std::vector<ServerSample> samples_;
  ServerSample before_, after_;
  std::vector<std::string> descriptorsBefore_;
  std::vector<std::string> errors_;
};

}  // namespace

int runChurnLoad(const LoadOptions& options) {
  ChurnRunner runner(options);
  return runner.run();
}

}  // namespace rtcgate::load
