// The room mode of rtcgate-load: N participants in one room over the room protocol, P of
// them publishing simulcast video and audio, everyone receiving everyone.

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "load_runner.h"
#include "load_worker.h"
#include "net/event_loop.h"
#include "publisher.h"
#include "room_client.h"
#include "room_subscriber.h"
#include "run_math.h"

namespace rtcgate::load {
namespace {

using Ms = std::chrono::milliseconds;
constexpr size_t kMaxErrorsKept = 8;
constexpr uint8_t kSpeakerLevel = 20;  // -20 dBov: clearly speaking (the silent ones send 127)
constexpr int64_t kLayerSettleUs = 4'000'000;  // layer switches wait for keyframes (2 s apart)

// Layer i of a simulcast: half the size of the one above, and a bitrate browsers use.
MediaSourceOptions layerOptions(const MediaSourceOptions& top, int i) {
  constexpr double kShare[] = {1.0, 0.33, 0.1};
  MediaSourceOptions o = top;
  o.width = std::max(16, (top.width >> i) & ~1);
  o.height = std::max(16, (top.height >> i) & ~1);
  o.videoBitrate = static_cast<int64_t>(static_cast<double>(top.videoBitrate) * kShare[std::min(i, 2)]);
  return o;
}

class RoomLoadRunner {
 public:
  explicit RoomLoadRunner(const LoadOptions& o) : o_(o) {}

  int run(LoadReport* out) {
    if (!configure() || !prepareMedia() || !startWorkers(o_.threads, clock_, env_.certificate, workers_)) return 2;
    for (int i = 0; i < o_.publishers; ++i) {
      auto index = std::make_unique<LatencyIndex>();
      index->buildLike(latency_);
      env_.latency.emplace(participantName(i), std::move(index));
    }
    signaling_.start();
    const double cpuStart = cpuSeconds();
    const int64_t wallStart = clock_.nowUs();
    joinAll();
    waitUntilSettled();
    openWindow();
    measure();
    teardown();
    report_.toolCpuCores = (cpuSeconds() - cpuStart) / std::max(1e-3, static_cast<double>(clock_.nowUs() - wallStart) / 1e6);
    aggregate();
    printReport(report_);
    if (!o_.json.empty() && !writeJson(report_, o_.json)) std::fprintf(stderr, "rtcgate-load: cannot write %s\n", o_.json.c_str());
    const bool ok = report_.room.joined == o_.participants && report_.room.subscribersShort == 0 &&
                    report_.neverGotMedia == 0;
    if (out != nullptr) *out = std::move(report_);
    return ok ? 0 : 1;
  }

 private:
  std::string participantName(int i) const {
    char name[16];
    std::snprintf(name, sizeof name, i < o_.publishers ? "pub%03d" : "sub%03d", i);
    return name;
  }
  int expectedVideoTracks(const RoomClient& c) const { return o_.publishers - (c.publishes() ? 1 : 0); }

  bool configure() {
    if (!parseRoomUrl(o_.roomUrl, env_)) {
      std::fprintf(stderr, "rtcgate-load: --room-url must look like ws://127.0.0.1:8080/rooms/ws\n");
      return false;
    }
    if (o_.publishers > o_.participants || o_.layers < 1 || o_.layers > 3) {
      std::fprintf(stderr, "rtcgate-load: need publishers <= participants and 1-3 layers\n");
      return false;
    }
    env_.room = o_.room;
    env_.token = o_.token;
    env_.localIp = o_.localIp;
    env_.iceIp = o_.iceIp;
    env_.codec = o_.media.codec;
    report_.isRoom = true;
    report_.server = o_.roomUrl;
    report_.stream = o_.room;
    report_.codec = o_.media.codec == VideoCodec::kVp8 ? "vp8" : "h264";
    report_.requested = o_.participants;
    report_.room.room = o_.room;
    report_.room.participants = o_.participants;
    report_.room.publishers = o_.publishers;
    report_.room.layers = o_.layers;
    report_.room.expectedVideoTracks = o_.publishers;
    return true;
  }

  // Every layer encoded once and shared by all publishers; one LatencyIndex over all of
  // them (each publisher gets its own send times).
  bool prepareMedia() {
    const int64_t start = clock_.nowUs();
    schedules_.reserve(static_cast<size_t>(o_.layers));
    std::vector<uint64_t> keys;
    std::vector<bool> keyframes;
    for (int i = 0; i < o_.layers; ++i) {
      const MediaSourceOptions lo = layerOptions(o_.media, i);
      auto clip = encodeClip(lo);
      if (!clip.ok()) {
        std::fprintf(stderr, "rtcgate-load: encoding failed: %s\n", clip.error().message);
        return false;
      }
      schedules_.push_back(buildSchedule(*clip, o_.media.codec));
      const MediaSchedule& s = schedules_.back();
      env_.layers.push_back(&s);
      env_.latencyBase.push_back(static_cast<uint32_t>(keys.size()));
      auto k = latencyKeys(s);
      auto f = keyframePackets(s);
      keys.insert(keys.end(), k.begin(), k.end());
      keyframes.insert(keyframes.end(), f.begin(), f.end());
      const double secs = static_cast<double>(clip->durationUs) / 1e6;
      std::printf("layer %d: %dx%d, %.2f Mbit/s, %u keyframes per %.0f s loop\n", i, lo.width, lo.height,
                  static_cast<double>(s.videoBytes) * 8 / secs / 1e6, s.keyframes, secs);
    }
    latency_.build(keys, keyframes);
    std::printf("encoded %d layers in %.1f s\n", o_.layers, static_cast<double>(clock_.nowUs() - start) / 1e6);
    std::fflush(stdout);
    return true;
  }

  // Participants join at --ramp-per-sec, spread over the workers.
  void joinAll() {
    rampStartUs_ = clock_.nowUs();
    for (int i = 0; i < o_.participants; ++i) {
      const auto due = rampStartUs_ + static_cast<int64_t>(i * 1e6 / std::max(0.1, o_.rampPerSec));
      if (const int64_t wait = due - clock_.nowUs(); wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
      LoadWorker& w = *workers_[static_cast<size_t>(i) % workers_.size()];
      auto client = std::make_shared<RoomClient>(signaling_.context(), env_, participantName(i), i < o_.publishers,
                                                 i == 0 ? kSpeakerLevel : uint8_t{127}, w);
      clients_.push_back(client);
      signaling_.post([client] { client->start(); });
    }
  }

  bool settled(const RoomClient& c) const {
    const RoomSubscriber* sub = c.subscriber();
    const bool receiving = expectedVideoTracks(c) == 0 ||
                           (sub != nullptr && sub->state() == TransportState::kConnected &&
                            c.videoTracksOffered() >= expectedVideoTracks(c));
    const Publisher* pub = c.publisher();
    const bool sending = !c.publishes() || (pub != nullptr && pub->state() == TransportState::kConnected);
    return c.joined() && receiving && sending;
  }

  // Until every participant receives every publisher's camera (or the timeout), then a few
  // seconds for the layer switches to land on keyframes.
  void waitUntilSettled() {
    const int64_t deadline = clock_.nowUs() + static_cast<int64_t>(o_.settleTimeoutSec * 1e6);
    int done = 0;
    for (int64_t nextPrint = 0; clock_.nowUs() < deadline;) {
      done = static_cast<int>(std::count_if(clients_.begin(), clients_.end(), [&](const auto& c) { return settled(*c); }));
      // A client the server refused or closed will not settle: stop waiting for it.
      const auto refused = std::count_if(clients_.begin(), clients_.end(),
                                         [&](const auto& c) { return c->closed() || (!c->joined() && c->errors() != 0); });
      if (done + refused >= o_.participants) break;
      if (clock_.nowUs() >= nextPrint) {
        nextPrint = clock_.nowUs() + 1'000'000;
        std::printf("  settling: %d/%d participants receive every track\n", done, o_.participants);
        std::fflush(stdout);
      }
      std::this_thread::sleep_for(Ms(100));
    }
    report_.room.settleSeconds = static_cast<double>(clock_.nowUs() - rampStartUs_) / 1e6;
    std::printf("%d/%d participants settled in %.1f s; letting layer switches land\n", done, o_.participants,
                report_.room.settleSeconds);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::microseconds(kLayerSettleUs));
  }

  void openWindow() {
    for (auto& c : clients_) {
      if (RoomSubscriber* sub = c->subscriber()) c->worker().loop().post([sub, this] { sub->markWindow(clock_.nowUs()); });
    }
    windowStartUs_ = clock_.nowUs();
  }

  void measure() {
    const int64_t endUs = clock_.nowUs() + static_cast<int64_t>(o_.durationSec * 1e6);
    uint64_t lastPackets = 0;
    for (auto& w : workers_) lastPackets += w->packetCounter().load(std::memory_order_relaxed);
    while (clock_.nowUs() < endUs) {
      std::this_thread::sleep_for(Ms(1000));
      uint64_t packets = 0;
      for (auto& w : workers_) packets += w->packetCounter().load(std::memory_order_relaxed);
      std::printf("  t-%4.0fs  rx %7llu pkt/s\n", static_cast<double>(endUs - clock_.nowUs()) / 1e6,
                  static_cast<unsigned long long>(packets - lastPackets));
      std::fflush(stdout);
      lastPackets = packets;
    }
  }

  // The media stops first (so the window ends for everyone at once), then everyone leaves.
  void teardown() {
    stopUs_ = clock_.nowUs();
    for (auto& w : workers_) w->stop();
    for (auto& c : clients_) signaling_.post([c] { c->leave(); });
    const int64_t deadline = clock_.nowUs() + 2'000'000;
    while (clock_.nowUs() < deadline &&
           !std::all_of(clients_.begin(), clients_.end(), [](const auto& c) { return c->closed(); }))
      std::this_thread::sleep_for(Ms(20));
    signaling_.stop();
  }

  void keepError(std::string e) {
    if (report_.errors.size() < kMaxErrorsKept) report_.errors.push_back(std::move(e));
  }

  void addPublisher(const PublisherStats& s) {
    PublisherStats& t = report_.publisher;
    t.packets += s.packets;
    t.bytes += s.bytes;
    t.videoPackets += s.videoPackets;
    t.audioPackets += s.audioPackets;
    t.sendErrors += s.sendErrors;
    t.nacksReceived += s.nacksReceived;
    t.retransmitted += s.retransmitted;
    t.notRetransmitted += s.notRetransmitted;
    t.plisReceived += s.plisReceived;
    t.firsReceived += s.firsReceived;
    t.srSent += s.srSent;
    t.keyframesForced += s.keyframesForced;
    t.plisIgnored += s.plisIgnored;
  }

  void aggregate() {
    std::vector<double> videoRates, videoKbps;
    ReceiveTotals totals;
    RoomFigures& f = report_.room;
    f.minVideoTracks = INT32_MAX;
    report_.minKeyframes = UINT64_MAX;
    for (const auto& c : clients_) {
      f.joined += c->joined();
      f.offers += c->offers();
      f.signalingErrors += c->errors();
      if (c->errors() != 0) keepError(c->lastError());
      if (const Publisher* pub = c->publisher()) {
        f.publishersConnected += pub->connectedAtUs() != 0;
        addPublisher(pub->stats());
      }
      const RoomSubscriber* sub = c->subscriber();
      if (expectedVideoTracks(*c) == 0) continue;
      if (sub == nullptr) {
        ++report_.signalingFailed;
        ++f.subscribersShort;
        f.minVideoTracks = 0;
        continue;
      }
      if (sub->connectedAtUs() == 0) {
        ++report_.transportFailed;
        ++f.subscribersShort;
        f.minVideoTracks = 0;
        keepError(c->name() + " subscriber: " + sub->failureReason());
        continue;
      }
      ++report_.connected;
      const RoomSubscriberStats st = sub->stats(stopUs_);
      f.minVideoTracks = std::min(f.minVideoTracks, st.videoTracks);
      f.subscribersShort += st.videoTracks < expectedVideoTracks(*c);
      report_.minKeyframes = std::min(report_.minKeyframes, st.keyframes);
      if (st.packets == 0 || st.windowUs <= 0) {
        ++report_.neverGotMedia;
        continue;
      }
      const double secs = static_cast<double>(st.windowUs) / 1e6;
      totals.add(st, secs, report_);
      videoRates.push_back(static_cast<double>(st.videoPackets) / secs);
      videoKbps.push_back(static_cast<double>(st.videoBytes) * 8 / 1000 / secs);
    }
    if (f.minVideoTracks == INT32_MAX) f.minVideoTracks = 0;
    if (report_.minKeyframes == UINT64_MAX) report_.minKeyframes = 0;
    f.videoPacketsPerSubscriber = mean(videoRates);
    f.videoKbpsPerSubscriber = mean(videoKbps);
    totals.finish(report_);
    summarizeLatency(latencySamples(workers_), report_);
    report_.seconds = static_cast<double>(stopUs_ - windowStartUs_) / 1e6;
    // The publishers sent from their start in the ramp until the end.
    const double sendingSecs = std::max(1e-3, static_cast<double>(stopUs_ - rampStartUs_) / 1e6);
    report_.publisherPacketsPerSec = static_cast<double>(report_.publisher.packets) / sendingSecs;
    report_.publisherMbitPerSec = static_cast<double>(report_.publisher.bytes) * 8 / sendingSecs / 1e6;
  }

  const LoadOptions& o_;
  SteadyClock clock_;
  RoomRunEnv env_;
  std::vector<MediaSchedule> schedules_;
  LatencyIndex latency_;
  std::vector<std::unique_ptr<LoadWorker>> workers_;
  net::EventLoop signaling_{"room-signaling"};
  std::vector<std::shared_ptr<RoomClient>> clients_;
  int64_t rampStartUs_ = 0, windowStartUs_ = 0, stopUs_ = 0;
  LoadReport report_;
};

}  // namespace

int runRoomLoad(const LoadOptions& options, LoadReport* out) {
  RoomLoadRunner runner(options);
  return runner.run(out);
}

}  // namespace rtcgate::load
