#include "edge/mix_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "base/clock.h"
#include "cluster/session_id.h"
#include "mcu/audio_mix_engine.h"
#include "sfu/frame_publisher.h"
#include "sfu/posting_frame_sink.h"

namespace rtcgate::edge {

namespace {

constexpr int64_t kStepUs = mcu::kMixStepUs;

int64_t monotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What players are told the mix stream carries: Opus audio.
std::vector<wire::sdp::NegotiatedMedia> mixPublishedMedia() {
  wire::sdp::NegotiatedMedia audio;
  audio.mid = "0";
  audio.kind = "audio";
  audio.codecs.push_back(
      {sfu::FramePublisher::kOpusPayloadType, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}, std::nullopt});
  return {std::move(audio)};
}

}  // namespace

// One mix on the mix thread: its engine, stepped every 20 ms; output goes to the control
// thread, which hands it to the output stream's worker.
class MixManager::Runner {
 public:
  Runner(MixManager& manager, std::string name, std::unique_ptr<mcu::AudioMixEngine> engine)
      : manager_(manager), name_(std::move(name)), engine_(std::move(engine)), timer_(manager.mixLoop_) {}

  void start() { tick(); }
  void stop() { timer_.cancel(); }

  void addSource(const std::string& source, media::MediaCodec codec) {
    if (sources_.count(source) && sources_[source] == codec) return;
    if (auto st = engine_->addSource(source, codec); !st.ok()) {
      spdlog::warn("mix {}: source '{}' cannot be decoded: {}", name_, source, st.error().message);
      return;
    }
    sources_[source] = codec;
  }
  void push(const std::string& source, const media::MediaFrame& frame) {
    if (media::isVideo(frame.codec)) return;
    addSource(source, frame.codec);  // on the first frame, or when the codec changes
    if (!sources_.count(source)) return;
    (void)engine_->push(source, frame, monotonicUs());  // a frame that does not decode is left out
  }
  void removeSource(const std::string& source) {
    sources_.erase(source);
    engine_->removeSource(source);
  }

 private:
  void tick() {
    mcu::MixOutput out;
    if (auto st = engine_->step(monotonicUs(), out); !st.ok())
      spdlog::warn("mix {}: encoding failed: {}", name_, st.error().message);
    if (!out.full.empty()) {
      std::vector<std::shared_ptr<const media::MediaFrame>> frames;
      for (auto& f : out.full) frames.push_back(std::make_shared<const media::MediaFrame>(std::move(f)));
      manager_.controlExecutor_.post([m = &manager_, alive = manager_.alive_, name = name_, frames = std::move(frames)]() mutable {
        if (*alive) m->onOutput(name, std::move(frames));
      });
    }
    timer_.startUs(kStepUs, [this] { tick(); });
  }

  MixManager& manager_;
  std::string name_;
  std::unique_ptr<mcu::AudioMixEngine> engine_;
  net::Timer timer_;
  std::map<std::string, media::MediaCodec> sources_;
};

// One source of a mix, as its frame sink's target on the mix thread.
class MixManager::Input final : public sfu::FrameTarget {
 public:
  Input(MixManager& manager, std::string mix, std::string source)
      : manager_(manager), mix_(std::move(mix)), source_(std::move(source)) {}
  void onFrame(std::shared_ptr<const media::MediaFrame> frame) override {
    if (auto it = manager_.runners_.find(mix_); it != manager_.runners_.end()) it->second->push(source_, *frame);
  }
  void onStreamEnded(const std::string& reason) override {
    if (auto it = manager_.runners_.find(mix_); it != manager_.runners_.end()) it->second->removeSource(source_);
    spdlog::info("mix {}: source '{}' ended ({}); mixing on without it", mix_, source_, reason);
    manager_.controlExecutor_.post([m = &manager_, alive = manager_.alive_, mix = mix_, source = source_] {
      if (*alive) m->onSourceEnded(mix, source);
    });
  }

 private:
  MixManager& manager_;
  std::string mix_;
  std::string source_;
};

// A mix as the control thread keeps it.
struct MixManager::Mix {
  MixSpec spec;
  std::string id;  // the output publisher's session id
  unsigned worker = 0;
  int64_t createdMs = 0;
  bool ready = false;  // the output stream is set up on its worker
  uint64_t framesOut = 0;
  struct Source {
    std::string sinkId;
    unsigned worker = 0;
    std::shared_ptr<Input> input;
    bool ended = false;
  };
  std::map<std::string, Source> sources;
};

MixManager::MixManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
                       cluster::WorkerPool& workers, size_t maxMixes)
    : controlExecutor_(controlExecutor),
      reattachTimer_(control),
      registry_(registry),
      workers_(workers),
      maxMixes_(maxMixes) {
  mixLoop_.start();
}

MixManager::~MixManager() {
  reattachTimer_.cancel();
  stopAll();
  *alive_ = false;
  mixLoop_.post([this] {
    for (auto& [name, r] : runners_) r->stop();
    runners_.clear();
  });
  mixLoop_.stop();
}

void MixManager::create(MixSpec spec, Created done) {
  const auto refuse = [&done](int status, std::string reason) { done(MixRefusal{status, std::move(reason)}, {}); };
  if (mixes_.count(spec.name)) return refuse(409, "mix '" + spec.name + "' exists");
  if (mixes_.size() >= maxMixes_) return refuse(503, "the gateway runs its maximum of mixes (max_mixes)");
  if (auto refused = checkSources(spec.name, spec.sources, {})) return done(std::move(refused), {});
  const cluster::StreamEntry* existing = registry_.stream(spec.name);
  if (existing && !existing->publisherId.empty())
    return refuse(409, "stream '" + spec.name + "' is already being published");
  mcu::AudioMixEngineOptions options;
  options.mixer.channels = 2;
  options.mixer.loudest = spec.loudest;
  options.bitrateKbps = spec.bitrateKbps;
  auto engine = mcu::AudioMixEngine::create(options);
  if (!engine.ok()) return refuse(500, std::string("cannot make the mix's encoder: ") + engine.error().message);

  auto mix = std::make_unique<Mix>();
  mix->spec = spec;
  mix->id = cluster::newSessionId();
  mix->worker = registry_.workerFor(spec.name);
  mix->createdMs = unixTimeMs();
  Mix& m = *mix;
  mixes_.emplace(spec.name, std::move(mix));
  registry_.addPublisher({m.id, sfu::SessionKind::kMix, spec.name, m.worker, "", ""}, mixPublishedMedia());
  auto runner = std::make_shared<Runner>(*this, spec.name, std::move(*engine));
  mixLoop_.post([this, name = spec.name, runner] {
    runners_[name] = runner;
    runner->start();
  });
  workers_.addFramePublisher(
      m.worker, m.id, spec.name, sfu::SessionKind::kMix, false,
      [this, name = spec.name, id = m.id, done = std::move(done)](Status st) {
        auto it = mixes_.find(name);
        if (it == mixes_.end() || it->second->id != id) {
          return done(MixRefusal{409, "mix '" + name + "' was deleted while starting"}, {});
        }
        if (!st.ok()) {
          teardown(*it->second);
          mixes_.erase(it);
          return done(MixRefusal{st.error().code == Error::Code::kTimeout ? 503 : 409,
                                 std::string("cannot publish the mix: ") + st.error().message},
                      {});
        }
        Mix& mix = *it->second;
        mix.ready = true;
        for (const auto& source : mix.spec.sources) startInput(mix, source);
        if (!reattaching_) reattach();
        spdlog::info("mix {}: mixing {} source(s) into stream '{}' on worker {}", name, mix.sources.size(), name,
                     mix.worker);
        done(std::nullopt, info(mix));
      });
}

std::optional<MixRefusal> MixManager::checkSources(const std::string& name, const std::vector<std::string>& sources,
                                                   const std::vector<std::string>& current) const {
  if (sources.empty() || sources.size() > kMaxSources)
    return MixRefusal{400, "a mix needs 1 to " + std::to_string(kMaxSources) + " sources"};
  for (const auto& s : sources) {
    if (s == name) return MixRefusal{400, "a mix cannot be its own source"};
    if (std::find(current.begin(), current.end(), s) != current.end()) continue;  // may have ended meanwhile
    const cluster::StreamEntry* e = registry_.stream(s);
    if (!e || e->publisherId.empty()) return MixRefusal{404, "source stream '" + s + "' is not being published"};
  }
  return std::nullopt;
}

void MixManager::startInput(Mix& mix, const std::string& source) {
  {
    const cluster::StreamEntry* e = registry_.stream(source);
    if (!e || e->publisherId.empty()) {
      mix.sources[source].ended = true;  // gone before the mix started: taken when it is back
      return;
    }
    Mix::Source& s = mix.sources[source];
    s.ended = false;
    s.sinkId = cluster::newSessionId();
    s.worker = e->worker;
    s.input = std::make_shared<Input>(*this, mix.spec.name, source);
    sfu::FrameWants wants{media::MediaCodec::kH264, media::MediaCodec::kOpus, false};
    wants.noVideo = true;
    registry_.addSubscriber({s.sinkId, sfu::SessionKind::kMixInput, source, s.worker, "", ""});
    workers_.addFrameSink(s.worker, s.sinkId, source, sfu::SessionKind::kMixInput,
                          std::make_unique<sfu::PostingFrameSink>(mixExecutor_, s.input, wants),
                          [this, mixName = mix.spec.name, source, sinkId = s.sinkId](Status st) {
                            if (st.ok()) return;
                            spdlog::warn("mix {}: source '{}' not taken: {}", mixName, source, st.error().message);
                            registry_.remove(sinkId);
                            onSourceEnded(mixName, source);
                          });
  }
}

void MixManager::reattach() {
  for (auto& [name, mix] : mixes_) {
    if (!mix->ready) continue;
    for (auto& [source, s] : mix->sources) {
      if (!s.ended) continue;
      const cluster::StreamEntry* e = registry_.stream(source);
      if (!e || e->publisherId.empty()) continue;
      spdlog::info("mix {}: source '{}' is published again; mixing it", name, source);
      startInput(*mix, source);
    }
  }
  reattaching_ = !mixes_.empty();
  if (reattaching_) reattachTimer_.startUs(1'000'000, [this] { reattach(); });
}

void MixManager::onOutput(const std::string& name, std::vector<std::shared_ptr<const media::MediaFrame>> frames) {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || !it->second->ready) return;
  Mix& mix = *it->second;
  for (auto& f : frames) {
    workers_.pushFrame(mix.worker, mix.id, std::move(f), false);
    ++mix.framesOut;
  }
}

void MixManager::onSourceEnded(const std::string& name, const std::string& source) {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return;
  auto s = it->second->sources.find(source);
  if (s == it->second->sources.end() || s->second.ended) return;
  s->second.ended = true;
  registry_.remove(s->second.sinkId);  // the worker dropped the sink with the stream
  s->second.input.reset();
}

MixInfo MixManager::info(const Mix& mix) const {
  MixInfo i;
  i.name = mix.spec.name;
  i.id = mix.id;
  i.sources = mix.spec.sources;
  for (const auto& [name, s] : mix.sources)
    if (s.ended) i.endedSources.push_back(name);
  i.loudest = mix.spec.loudest;
  i.createdMs = mix.createdMs;
  i.framesOut = mix.framesOut;
  return i;
}

std::vector<MixInfo> MixManager::list() const {
  std::vector<MixInfo> out;
  for (const auto& [name, m] : mixes_) out.push_back(info(*m));
  return out;
}

std::optional<MixInfo> MixManager::find(const std::string& name) const {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return std::nullopt;
  return info(*it->second);
}

void MixManager::stopInput(Mix& mix, const std::string& source) {
  auto it = mix.sources.find(source);
  if (it == mix.sources.end()) return;
  if (!it->second.ended && !it->second.sinkId.empty()) {
    workers_.removeFrameSink(it->second.worker, it->second.sinkId);
    registry_.remove(it->second.sinkId);
  }
  mix.sources.erase(it);
  mixLoop_.post([this, name = mix.spec.name, source] {
    if (auto r = runners_.find(name); r != runners_.end()) r->second->removeSource(source);
  });
}

std::optional<MixRefusal> MixManager::setSources(const std::string& name, const std::vector<std::string>& sources) {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return MixRefusal{404, "no such mix"};
  Mix& mix = *it->second;
  if (auto refused = checkSources(name, sources, mix.spec.sources)) return refused;
  const auto old = mix.spec.sources;
  mix.spec.sources = sources;
  if (!mix.ready) return std::nullopt;  // the inputs start from the new list
  for (const auto& s : old)
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) stopInput(mix, s);
  for (const auto& s : sources)
    if (!mix.sources.count(s)) startInput(mix, s);
  spdlog::info("mix {}: now mixing {}", name, fmt::join(sources, ", "));
  return std::nullopt;
}

void MixManager::teardown(Mix& mix) {
  for (auto& [source, s] : mix.sources) {
    if (s.ended || s.sinkId.empty()) continue;
    workers_.removeFrameSink(s.worker, s.sinkId);
    registry_.remove(s.sinkId);
  }
  mix.sources.clear();
  if (mix.ready) workers_.removeFramePublisher(mix.worker, mix.id, true, "mix deleted");
  registry_.remove(mix.id);
  mixLoop_.post([this, name = mix.spec.name] {
    if (auto it = runners_.find(name); it != runners_.end()) {
      it->second->stop();
      runners_.erase(it);
    }
  });
}

bool MixManager::remove(const std::string& name) {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return false;
  teardown(*it->second);
  mixes_.erase(it);
  spdlog::info("mix {}: deleted", name);
  return true;
}

void MixManager::stopAll() {
  for (auto& [name, m] : mixes_) teardown(*m);
  mixes_.clear();
}

}  // namespace rtcgate::edge
