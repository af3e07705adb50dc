#include "edge/recording_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <variant>

#include "base/clock.h"
#include "cluster/session_id.h"
#include "sfu/posting_frame_sink.h"

namespace rtcgate::edge {

namespace {

constexpr size_t kMaxFinishedKept = 100;  // stopped and failed recordings still listed
constexpr int64_t kUpdateEveryUs = 500'000;

// "{stream}-{UTC date and time}-{id}", the stream's '/' (room streams) made '_'.
std::string fileStem(const std::string& stream, const std::string& id) {
  std::string name = stream;
  std::replace(name.begin(), name.end(), '/', '_');
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char when[32];
  std::strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &utc);
  return name + "-" + when + "-" + id.substr(0, 8);
}

bool running(mcu::RecordingState s) {
  return s != mcu::RecordingState::kStopped && s != mcu::RecordingState::kFailed;
}

}  // namespace

// The recording's frame sink target, on the recorder thread; it shares the Recorder with
// the targets of later publisher sessions of the same stream.
class RecordingManager::Target final : public sfu::FrameTarget {
 public:
  Target(RecordingManager& manager, std::string id, std::shared_ptr<mcu::Recorder> recorder)
      : manager_(manager), id_(std::move(id)), recorder_(std::move(recorder)) {}
  void onFrame(std::shared_ptr<const media::MediaFrame> frame) override {
    const auto before = recorder_->info().state;
    recorder_->push(*frame);
    const int64_t now = SteadyClock().nowUs();
    if (recorder_->info().state != before || now - lastUpdateUs_ >= kUpdateEveryUs) {
      lastUpdateUs_ = now;
      update();
    }
  }
  void onStreamEnded(const std::string& reason) override {
    recorder_->sourceEnded();
    spdlog::info("recording {}: stream ended ({}); waiting for it to come back", id_, reason);
    update();
    manager_.controlExecutor_.post([m = &manager_, alive = manager_.alive_, id = id_] {
      if (*alive) m->onSourceEnded(id);
    });
  }

 private:
  void update() {
    manager_.controlExecutor_.post([m = &manager_, alive = manager_.alive_, id = id_, info = recorder_->info()] {
      if (*alive) m->onUpdate(id, info);
    });
  }
  RecordingManager& manager_;
  std::string id_;
  std::shared_ptr<mcu::Recorder> recorder_;
  int64_t lastUpdateUs_ = 0;
};

struct RecordingManager::Recording {
  std::string id;
  std::string stream;
  int64_t createdMs = 0;
  std::shared_ptr<mcu::Recorder> recorder;  // used on the recorder thread only
  std::shared_ptr<Target> target;
  std::string sinkId;
  unsigned worker = 0;
  bool attached = false;
  int64_t endedMs = 0;  // when its stream ended (while not attached)
  bool finishing = false;
  mcu::RecorderInfo last;  // as the recorder thread last told
};

RecordingManager::RecordingManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
                                   cluster::WorkerPool& workers, RecordingOptions options)
    : controlExecutor_(controlExecutor), registry_(registry), workers_(workers), options_(std::move(options)),
      timer_(control) {
  loop_.start();
}

RecordingManager::~RecordingManager() {
  stopAll();
  *alive_ = false;
  loop_.stop();
}

std::variant<RecordingInfo, RecordingRefusal> RecordingManager::start(const std::string& stream) {
  const cluster::StreamEntry* e = registry_.stream(stream);
  if (!e || e->publisherId.empty()) return RecordingRefusal{404, "stream '" + stream + "' is not being published"};
  const size_t active = std::count_if(recordings_.begin(), recordings_.end(),
                                      [](const auto& kv) { return running(kv.second->last.state); });
  if (active >= options_.maxRecordings)
    return RecordingRefusal{503, "the gateway runs its maximum of recordings (max_recordings)"};
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return RecordingRefusal{500, "cannot create recordings_dir " + options_.dir + ": " + ec.message()};
  auto r = std::make_unique<Recording>();
  r->id = cluster::newSessionId();
  r->stream = stream;
  r->createdMs = unixTimeMs();
  r->recorder = std::make_shared<mcu::Recorder>((std::filesystem::path(options_.dir) / fileStem(stream, r->id)).string());
  r->recorder->expectVideo(std::any_of(e->published.begin(), e->published.end(), [](const auto& m) { return m.kind == "video"; }));
  Recording& rec = *r;
  recordings_.emplace(r->id, std::move(r));
  attach(rec);
  if (!ticking_) tick();
  spdlog::info("recording {}: stream '{}' into {}", rec.id, stream, options_.dir);
  // Forget the oldest finished recordings beyond the bound.
  std::vector<std::pair<int64_t, std::string>> finished;
  for (const auto& [id, x] : recordings_)
    if (!running(x->last.state)) finished.emplace_back(x->createdMs, id);
  std::sort(finished.begin(), finished.end());
  for (size_t i = 0; i + kMaxFinishedKept < finished.size(); ++i) recordings_.erase(finished[i].second);
  return infoOf(rec);
}

void RecordingManager::attach(Recording& r) {
  const cluster::StreamEntry* e = registry_.stream(r.stream);
  if (!e || e->publisherId.empty()) return;
  r.sinkId = cluster::newSessionId();
  r.worker = e->worker;
  r.target = std::make_shared<Target>(*this, r.id, r.recorder);
  r.attached = true;
  sfu::FrameWants wants;
  wants.anyCodec = true;  // recorded as published: no transcoding
  registry_.addSubscriber({r.sinkId, sfu::SessionKind::kRecording, r.stream, r.worker, "", ""});
  workers_.addFrameSink(r.worker, r.sinkId, r.stream, sfu::SessionKind::kRecording,
                        std::make_unique<sfu::PostingFrameSink>(executor_, r.target, wants),
                        [this, id = r.id, sinkId = r.sinkId](Status st) {
                          if (st.ok()) return;
                          spdlog::warn("recording {}: stream not taken: {}", id, st.error().message);
                          registry_.remove(sinkId);
                          onSourceEnded(id);
                        });
}

void RecordingManager::detach(Recording& r) {
  if (!r.attached) return;
  workers_.removeFrameSink(r.worker, r.sinkId);
  registry_.remove(r.sinkId);
  r.attached = false;
  r.target.reset();
}

void RecordingManager::onUpdate(const std::string& id, mcu::RecorderInfo info) {
  auto it = recordings_.find(id);
  if (it == recordings_.end()) return;
  Recording& r = *it->second;
  if (r.finishing && running(info.state)) return;  // the final state is on its way
  r.last = std::move(info);
  if (r.last.state == mcu::RecordingState::kFailed && r.attached) {
    spdlog::warn("recording {} of '{}' failed: {}", r.id, r.stream, r.last.error);
    detach(r);
  }
}

void RecordingManager::onSourceEnded(const std::string& id) {
  auto it = recordings_.find(id);
  if (it == recordings_.end() || !it->second->attached) return;
  Recording& r = *it->second;
  registry_.remove(r.sinkId);  // the worker dropped the sink with the stream
  r.attached = false;
  r.target.reset();
  r.endedMs = unixTimeMs();
}

void RecordingManager::tick() {
  const int64_t now = unixTimeMs();
  std::vector<std::string> expired;
  for (auto& [id, r] : recordings_) {
    if (r->attached || r->finishing || !running(r->last.state)) continue;
    const cluster::StreamEntry* e = registry_.stream(r->stream);
    if (e && !e->publisherId.empty()) {
      spdlog::info("recording {}: stream '{}' is published again; recording on", id, r->stream);
      attach(*r);
    } else if (r->endedMs && now - r->endedMs > options_.reconnectGraceMs) {
      expired.push_back(id);
    }
  }
  for (const auto& id : expired) {
    spdlog::info("recording {}: its stream did not come back; finishing the file", id);
    stop(recordings_.at(id)->stream, id, [](auto) {});
  }
  ticking_ = !recordings_.empty();
  if (ticking_) timer_.startUs(1'000'000, [this] { tick(); });
}

void RecordingManager::stop(const std::string& stream, const std::string& id,
                            std::function<void(std::optional<RecordingInfo>)> done) {
  auto it = recordings_.find(id);
  if (it == recordings_.end() || it->second->stream != stream) return done(std::nullopt);
  Recording& r = *it->second;
  detach(r);
  if (!r.finishing && !running(r.last.state)) return done(infoOf(r));
  r.finishing = true;
  loop_.post([this, alive = alive_, id, recorder = r.recorder, done = std::move(done)] {
    recorder->stop();
    controlExecutor_.post([this, alive, id, info = recorder->info(), done] {
      if (!*alive) return;
      auto it = recordings_.find(id);
      if (it == recordings_.end()) return done(std::nullopt);
      it->second->finishing = false;
      it->second->last = info;
      spdlog::info("recording {}: {} ({} bytes, {:.1f} s)", id, mcu::stateName(info.state), info.bytes,
                   info.durationUs / 1e6);
      done(infoOf(*it->second));
    });
  });
}

void RecordingManager::stopAll() {
  timer_.cancel();
  for (auto& [id, r] : recordings_) {
    detach(*r);
    if (!running(r->last.state) && !r->finishing) continue;
    loop_.post([recorder = r->recorder] { recorder->stop(); });
    r->last.state = mcu::RecordingState::kStopped;
  }
}

RecordingInfo RecordingManager::infoOf(const Recording& r) const {
  RecordingInfo i;
  i.id = r.id;
  i.stream = r.stream;
  i.file = r.last.path;
  i.state = r.finishing ? "stopping" : mcu::stateName(r.last.state);
  if (r.last.state == mcu::RecordingState::kRecording && !r.attached) i.state = "paused";
  i.error = r.last.error;
  if (!r.last.path.empty()) i.format = std::filesystem::path(r.last.path).extension().string().substr(1);
  i.bytes = r.last.bytes;
  i.durationSeconds = static_cast<double>(r.last.durationUs) / 1e6;
  i.segments = r.last.segments;
  i.createdMs = r.createdMs;
  return i;
}

std::vector<RecordingInfo> RecordingManager::list(const std::string& stream) const {
  std::vector<RecordingInfo> out;
  for (const auto& [id, r] : recordings_)
    if (stream.empty() || r->stream == stream) out.push_back(infoOf(*r));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.createdMs < b.createdMs; });
  return out;
}

std::optional<RecordingInfo> RecordingManager::find(const std::string& stream, const std::string& id) const {
  auto it = recordings_.find(id);
  if (it == recordings_.end() || it->second->stream != stream) return std::nullopt;
  return infoOf(*it->second);
}

}  // namespace rtcgate::edge
