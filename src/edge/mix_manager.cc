#include "edge/mix_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "base/clock.h"
#include "cluster/session_id.h"
#include "edge/mix_runner.h"
#include "sfu/frame_publisher.h"
#include "sfu/posting_frame_sink.h"

namespace rtcgate::edge {

namespace {

// What players are told the mix stream carries: Opus audio, H.264 video.
std::vector<wire::sdp::NegotiatedMedia> mixPublishedMedia(const MixSpec& spec) {
  std::vector<wire::sdp::NegotiatedMedia> out;
  if (spec.audio) {
    wire::sdp::NegotiatedMedia audio;
    audio.mid = std::to_string(out.size());
    audio.kind = "audio";
    audio.codecs.push_back(
        {sfu::FramePublisher::kOpusPayloadType, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}, std::nullopt});
    out.push_back(std::move(audio));
  }
  if (spec.video) {
    wire::sdp::NegotiatedMedia video;
    video.mid = std::to_string(out.size());
    video.kind = "video";
    video.codecs.push_back({sfu::FramePublisher::kH264PayloadType, "H264", 90000, 0,
                            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", {},
                            std::nullopt});
    out.push_back(std::move(video));
  }
  return out;
}

}  // namespace

// A mix thread and the runners it steps.
struct MixManager::MixThread {
  net::EventLoop loop{"rtc-mix"};
  net::LoopExecutor executor{loop};
  std::map<std::string, std::shared_ptr<MixRunner>> runners;  // on this thread only
  size_t mixes = 0;                                            // control thread: how many run here
};

// One source of a mix, as its frame sink's target on the mix's thread.
class MixManager::Input final : public sfu::FrameTarget {
 public:
  Input(MixManager& manager, MixThread& thread, std::string mix, std::string source)
      : manager_(manager), thread_(thread), mix_(std::move(mix)), source_(std::move(source)) {}
  void onFrame(std::shared_ptr<const media::MediaFrame> frame) override {
    if (auto it = thread_.runners.find(mix_); it != thread_.runners.end()) it->second->push(source_, *frame);
  }
  void onStreamEnded(const std::string& reason) override {
    if (auto it = thread_.runners.find(mix_); it != thread_.runners.end()) it->second->removeSource(source_);
    spdlog::info("mix {}: source '{}' ended ({}); mixing on without it", mix_, source_, reason);
    manager_.controlExecutor_.post([m = &manager_, alive = manager_.alive_, mix = mix_, source = source_] {
      if (*alive) m->onSourceEnded(mix, source);
    });
  }

 private:
  MixManager& manager_;
  MixThread& thread_;
  std::string mix_;
  std::string source_;
};

// A mix as the control thread keeps it.
struct MixManager::Mix {
  MixSpec spec;
  std::string id;  // the output publisher's session id
  bool published = true;  // false: a room's mix that only feeds mix-minus listeners
  unsigned worker = 0;
  MixThread* thread = nullptr;
  int64_t createdMs = 0;
  bool ready = false;  // the output stream is set up on its worker
  uint64_t framesOut = 0;
  uint64_t videoFramesOut = 0;
  struct Source {
    std::string sinkId;
    unsigned worker = 0;
    std::shared_ptr<Input> input;
    bool ended = false;
  };
  std::map<std::string, Source> sources;
  // Mix-minus listeners (room participants' streams) and the streams they hear.
  struct Listener {
    std::string id;
    std::string stream;
    unsigned worker = 0;
    bool ready = false;
  };
  std::map<std::string, Listener> listeners;
};

MixManager::MixManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
                       cluster::WorkerPool& workers, size_t maxMixes, unsigned threads)
    : controlExecutor_(controlExecutor),
      reattachTimer_(control),
      registry_(registry),
      workers_(workers),
      maxMixes_(maxMixes) {
  if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.push_back(std::make_unique<MixThread>());
    threads_.back()->loop.start();
  }
}

MixManager::~MixManager() {
  reattachTimer_.cancel();
  stopAll();
  *alive_ = false;
  for (auto& t : threads_) {
    t->loop.post([t = t.get()] {
      for (auto& [name, r] : t->runners) r->stop();
      t->runners.clear();
    });
    t->loop.stop();
  }
}

void MixManager::create(MixSpec spec, Created done) {
  const auto refuse = [&done](int status, std::string reason) { done(MixRefusal{status, std::move(reason)}, {}); };
  if (mixes_.count(spec.name)) return refuse(409, "mix '" + spec.name + "' exists");
  if (mixes_.size() >= maxMixes_) return refuse(503, "the gateway runs its maximum of mixes (max_mixes)");
  if (!spec.room.empty()) {
    auto room = roomSources_.find(spec.room);
    if (room == roomSources_.end()) return refuse(404, "no such room '" + spec.room + "'");
    spec.sources = room->second;
  } else if (auto refused = checkSources(spec.name, spec.sources, {})) {
    return done(std::move(refused), {});
  }
  const cluster::StreamEntry* existing = registry_.stream(spec.name);
  if (existing && !existing->publisherId.empty())
    return refuse(409, "stream '" + spec.name + "' is already being published");
  (void)launch(std::move(spec), true, std::move(done));
}

std::optional<MixRefusal> MixManager::launch(MixSpec spec, bool published, Created done) {
  const auto refuse = [&done](int status, std::string reason) {
    done(MixRefusal{status, reason}, {});
    return MixRefusal{status, std::move(reason)};
  };
  const int64_t epochUs = MixRunner::nowUs();
  std::unique_ptr<mcu::AudioMixEngine> audio;
  if (spec.audio) {
    mcu::AudioMixEngineOptions options;
    options.mixer.channels = 2;
    options.mixer.loudest = spec.loudest;
    options.bitrateKbps = spec.bitrateKbps;
    options.epochUs = epochUs;
    options.encodeFull = published;
    auto engine = mcu::AudioMixEngine::create(options);
    if (!engine.ok()) return refuse(500, std::string("cannot make the mix's audio encoder: ") + engine.error().message);
    audio = std::move(*engine);
  }
  std::unique_ptr<mcu::VideoCompositor> video;
  if (spec.video) {
    mcu::VideoCompositorOptions options;
    options.width = spec.width;
    options.height = spec.height;
    options.fps = spec.fps;
    options.bitrateKbps = spec.videoBitrateKbps;
    auto compositor = mcu::VideoCompositor::create(options);
    if (!compositor.ok())
      return refuse(500, std::string("cannot make the mix's video encoder: ") + compositor.error().message);
    video = std::move(*compositor);
    video->setSources(spec.sources);
    video->setLayout(spec.layout, spec.regions);
  }

  auto mix = std::make_unique<Mix>();
  mix->spec = spec;
  mix->published = published;
  mix->id = cluster::newSessionId();
  mix->worker = registry_.workerFor(spec.name);
  mix->createdMs = unixTimeMs();
  mix->thread = std::min_element(threads_.begin(), threads_.end(), [](const auto& a, const auto& b) {
                  return a->mixes < b->mixes;
                })->get();
  ++mix->thread->mixes;
  Mix& m = *mix;
  mixes_.emplace(spec.name, std::move(mix));
  MixRunnerCallbacks callbacks;
  callbacks.frames = [this, alive = alive_, name = spec.name, id = m.id](auto frames) {
    controlExecutor_.post([this, alive, name, id, frames = std::move(frames)]() mutable {
      if (*alive) onOutput(name, id, std::move(frames));
    });
  };
  callbacks.minusFrames = [this, alive = alive_, name = spec.name](const std::string& listener, auto frames) {
    controlExecutor_.post([this, alive, name, listener, frames = std::move(frames)]() mutable {
      if (*alive) onMinusOutput(name, listener, std::move(frames));
    });
  };
  callbacks.keyframeWanted = [this, alive = alive_, name = spec.name](const std::string& source) {
    controlExecutor_.post([this, alive, name, source] {
      if (*alive) onKeyframeWanted(name, source);
    });
  };
  auto runner = std::make_shared<MixRunner>(m.thread->loop, spec.name, std::move(audio), std::move(video), epochUs,
                                            std::move(callbacks));
  m.thread->loop.post([t = m.thread, name = spec.name, runner] {
    t->runners[name] = runner;
    runner->start();
  });
  const auto started = [this](Mix& mix) {
    mix.ready = true;
    for (const auto& source : mix.spec.sources) startInput(mix, source);
    if (!reattaching_) reattach();
    spdlog::info("mix {}: mixing {} source(s) ({}{}){} on worker {}", mix.spec.name, mix.sources.size(),
                 mix.spec.audio ? "audio" : "", mix.spec.video ? (mix.spec.audio ? ", video" : "video") : "",
                 mix.published ? " into stream '" + mix.spec.name + "'" : "", mix.worker);
  };
  if (!published) {
    started(m);
    done(std::nullopt, info(m));
    return std::nullopt;
  }
  registry_.addPublisher({m.id, sfu::SessionKind::kMix, spec.name, m.worker, "", ""}, mixPublishedMedia(spec));
  workers_.addFramePublisher(
      m.worker, m.id, spec.name, sfu::SessionKind::kMix, false,
      [this, name = spec.name, id = m.id, started, done = std::move(done)](Status st) {
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
        started(*it->second);
        done(std::nullopt, info(*it->second));
      });
  return std::nullopt;
}

void MixManager::onRunner(const Mix& mix, std::function<void(MixRunner&)> fn) {
  mix.thread->loop.post([t = mix.thread, name = mix.spec.name, fn = std::move(fn)] {
    if (auto it = t->runners.find(name); it != t->runners.end()) fn(*it->second);
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
    s.input = std::make_shared<Input>(*this, *mix.thread, mix.spec.name, source);
    sfu::FrameWants wants;
    wants.anyCodec = true;  // the mixer decodes what the source sends
    wants.noVideo = !mix.spec.video;
    registry_.addSubscriber({s.sinkId, sfu::SessionKind::kMixInput, source, s.worker, "", ""});
    workers_.addFrameSink(s.worker, s.sinkId, source, sfu::SessionKind::kMixInput,
                          std::make_unique<sfu::PostingFrameSink>(mix.thread->executor, s.input, wants),
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

void MixManager::onOutput(const std::string& name, const std::string& id,
                          std::vector<std::shared_ptr<const media::MediaFrame>> frames) {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || it->second->id != id || !it->second->ready) return;
  Mix& mix = *it->second;
  for (auto& f : frames) {
    if (media::isVideo(f->codec)) ++mix.videoFramesOut;
    else ++mix.framesOut;
    workers_.pushFrame(mix.worker, mix.id, std::move(f), false);
  }
}

void MixManager::onKeyframeWanted(const std::string& name, const std::string& source) {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return;
  auto s = it->second->sources.find(source);
  if (s == it->second->sources.end() || s->second.ended || s->second.sinkId.empty()) return;
  workers_.requestSinkKeyframe(s->second.worker, s->second.sinkId);
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
  i.spec = mix.spec;
  i.id = mix.id;
  for (const auto& [name, s] : mix.sources)
    if (s.ended) i.endedSources.push_back(name);
  i.createdMs = mix.createdMs;
  i.framesOut = mix.framesOut;
  i.videoFramesOut = mix.videoFramesOut;
  return i;
}

std::vector<MixInfo> MixManager::list() const {
  std::vector<MixInfo> out;
  for (const auto& [name, m] : mixes_)
    if (m->published) out.push_back(info(*m));
  return out;
}

std::optional<MixInfo> MixManager::find(const std::string& name) const {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || !it->second->published) return std::nullopt;
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
  onRunner(mix, [source](MixRunner& r) { r.removeSource(source); });
}

std::optional<MixRefusal> MixManager::setSources(const std::string& name, const std::vector<std::string>& sources) {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || !it->second->published) return MixRefusal{404, "no such mix"};
  Mix& mix = *it->second;
  if (!mix.spec.room.empty()) return MixRefusal{400, "a room's mix follows its participants; its sources cannot be set"};
  if (auto refused = checkSources(name, sources, mix.spec.sources)) return refused;
  const auto old = mix.spec.sources;
  mix.spec.sources = sources;
  onRunner(mix, [sources](MixRunner& r) { r.setSources(sources); });
  if (!mix.ready) return std::nullopt;  // the inputs start from the new list
  for (const auto& s : old)
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) stopInput(mix, s);
  for (const auto& s : sources)
    if (!mix.sources.count(s)) startInput(mix, s);
  spdlog::info("mix {}: now mixing {}", name, fmt::join(sources, ", "));
  return std::nullopt;
}

std::optional<MixRefusal> MixManager::setLayout(const std::string& name, mcu::LayoutKind kind,
                                                std::vector<mcu::Region> regions) {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || !it->second->published) return MixRefusal{404, "no such mix"};
  Mix& mix = *it->second;
  if (!mix.spec.video) return MixRefusal{400, "mix '" + name + "' has no video to lay out"};
  mix.spec.layout = kind;
  mix.spec.regions = regions;
  onRunner(mix, [kind, regions = std::move(regions)](MixRunner& r) mutable { r.setLayout(kind, std::move(regions)); });
  return std::nullopt;
}

void MixManager::teardown(Mix& mix) {
  for (auto& [source, s] : mix.sources) {
    if (s.ended || s.sinkId.empty()) continue;
    workers_.removeFrameSink(s.worker, s.sinkId);
    registry_.remove(s.sinkId);
  }
  mix.sources.clear();
  for (auto& [listener, l] : mix.listeners) {
    workers_.removeFramePublisher(l.worker, l.id, true, "mix ended");
    registry_.remove(l.id);
  }
  mix.listeners.clear();
  if (mix.ready && mix.published) workers_.removeFramePublisher(mix.worker, mix.id, true, "mix deleted");
  if (mix.published) registry_.remove(mix.id);
  --mix.thread->mixes;
  mix.thread->loop.post([t = mix.thread, name = mix.spec.name] {
    if (auto it = t->runners.find(name); it != t->runners.end()) {
      it->second->stop();
      t->runners.erase(it);
    }
  });
}

bool MixManager::remove(const std::string& name) {
  auto it = mixes_.find(name);
  if (it == mixes_.end() || !it->second->published) return false;
  teardown(*it->second);
  mixes_.erase(it);
  spdlog::info("mix {}: deleted", name);
  return true;
}

void MixManager::stopAll() {
  for (auto& [name, m] : mixes_) teardown(*m);
  mixes_.clear();
}

// --- rooms ---

namespace {
// The mix that feeds a room's mix-minus listeners: not a stream name, so never published.
std::string listenerMixName(const std::string& room) { return "#room:" + room; }
}  // namespace

void MixManager::setRoomSources(const std::string& room, std::vector<std::string> sources) {
  if (sources.size() > kMaxRoomSources) sources.resize(kMaxRoomSources);
  roomSources_[room] = sources;
  for (auto& [name, mix] : mixes_) {
    if (mix->spec.room != room || mix->spec.sources == sources) continue;
    const auto old = mix->spec.sources;
    mix->spec.sources = sources;
    onRunner(*mix, [sources](MixRunner& r) { r.setSources(sources); });
    if (!mix->ready) continue;
    for (const auto& s : old)
      if (std::find(sources.begin(), sources.end(), s) == sources.end()) stopInput(*mix, s);
    for (const auto& s : sources)
      if (!mix->sources.count(s)) startInput(*mix, s);
  }
}

void MixManager::roomEnded(const std::string& room) {
  setRoomSources(room, {});
  roomSources_.erase(room);
  if (auto it = mixes_.find(listenerMixName(room)); it != mixes_.end()) {
    teardown(*it->second);
    mixes_.erase(it);
  }
}

void MixManager::listen(const std::string& room, unsigned worker, const std::string& listener,
                        const std::string& outStream, std::function<void(Status)> ready) {
  const std::string name = listenerMixName(room);
  if (!mixes_.count(name)) {
    MixSpec spec;
    spec.name = name;
    spec.room = room;
    spec.sources = roomSources_[room];
    spec.loudest = 3;
    if (launch(std::move(spec), false, [](std::optional<MixRefusal>, MixInfo) {})) return ready(Error{Error::Code::kInternal, "the room's audio mix cannot start"});
  }
  Mix& mix = *mixes_.at(name);
  if (mix.listeners.count(listener)) unlisten(room, listener);
  Mix::Listener& l = mix.listeners[listener];
  l.id = cluster::newSessionId();
  l.stream = outStream;
  l.worker = worker;
  registry_.addPublisher({l.id, sfu::SessionKind::kMix, outStream, worker, "", ""},
                         mixPublishedMedia(MixSpec{.audio = true, .video = false}));
  onRunner(mix, [listener](MixRunner& r) { r.setMixMinus(listener, true); });
  workers_.addFramePublisher(worker, l.id, outStream, sfu::SessionKind::kMix, true,
                             [this, name, listener, id = l.id, ready = std::move(ready)](Status st) {
                               auto it = mixes_.find(name);
                               if (it == mixes_.end()) return ready(Error::state("the room's mix ended"));
                               auto lt = it->second->listeners.find(listener);
                               if (lt == it->second->listeners.end() || lt->second.id != id)
                                 return ready(Error::state("no longer listening"));
                               if (st.ok()) lt->second.ready = true;
                               ready(st);
                             });
}

void MixManager::unlisten(const std::string& room, const std::string& listener) {
  auto it = mixes_.find(listenerMixName(room));
  if (it == mixes_.end()) return;
  Mix& mix = *it->second;
  auto lt = mix.listeners.find(listener);
  if (lt == mix.listeners.end()) return;
  workers_.removeFramePublisher(lt->second.worker, lt->second.id, true, "stopped listening");
  registry_.remove(lt->second.id);
  mix.listeners.erase(lt);
  onRunner(mix, [listener](MixRunner& r) { r.setMixMinus(listener, false); });
  if (mix.listeners.empty()) {
    teardown(mix);
    mixes_.erase(it);
  }
}

void MixManager::onMinusOutput(const std::string& name, const std::string& listener,
                               std::vector<std::shared_ptr<const media::MediaFrame>> frames) {
  auto it = mixes_.find(name);
  if (it == mixes_.end()) return;
  auto lt = it->second->listeners.find(listener);
  if (lt == it->second->listeners.end() || !lt->second.ready) return;
  for (auto& f : frames) workers_.pushFrame(lt->second.worker, lt->second.id, std::move(f), false);
}

}  // namespace rtcgate::edge
