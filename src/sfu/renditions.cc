#include "sfu/renditions.h"

#include <algorithm>

#include "base/log.h"

namespace rtcgate::sfu {

using media::MediaCodec;
using media::MediaFrame;

namespace {
// A pass-through sink joining gets at most this much history (a source with a long GOP
// would otherwise hold seconds of video).
constexpr size_t kMaxGopFrames = 600;
constexpr size_t kMaxGopBytes = 16 * 1024 * 1024;

MediaKind kindOf(const MediaFrame& f) noexcept { return media::isVideo(f.codec) ? MediaKind::kVideo : MediaKind::kAudio; }
}  // namespace

struct Renditions::Rendition {
  MediaKind kind;
  MediaCodec from;
  // Video: every codec its sinks want, from one decode of the source; audio: one codec.
  std::vector<MediaCodec> to;
  bool makes(MediaCodec c) const noexcept { return std::find(to.begin(), to.end(), c) != to.end(); }
  std::shared_ptr<Output> output;
  std::unique_ptr<codec::TranscodeHandle> handle;
  bool started = false;  // video: fed its first keyframe
  bool failed = false;
  uint64_t lastFed = 0;  // number of the last source frame given to it
};

// Receives one transcode's results on the stream's worker, while the rendition lives.
class Renditions::Output final : public codec::TranscodeOutput {
 public:
  Output(Renditions& owner, Rendition& r) : owner_(owner), rendition_(r) {}
  void onTranscodedFrame(std::shared_ptr<const MediaFrame> frame) override { owner_.onTranscoded(rendition_, frame); }
  void onTranscodeFailed(std::string reason) override { owner_.onFailed(rendition_, reason); }

 private:
  Renditions& owner_;
  Rendition& rendition_;
};

Renditions::Renditions(codec::CodecPool* pool, Executor* executor, RenditionsListener& listener, EncodeOptions encode)
    : pool_(pool), executor_(executor), listener_(listener), encode_(encode) {}

Renditions::~Renditions() = default;

bool Renditions::passes(const FrameSink& sink, MediaKind kind) const noexcept {
  const auto k = kindIndex(kind);
  if (!haveSource_[k]) return false;
  if (sink.wants().anyCodec) return true;
  if (wanted(sink, kind) != source_[k]) return false;
  return !(kind == MediaKind::kVideo && sink.wants().inOrderVideo && reorders_);
}

bool Renditions::takes(const FrameSink& sink, MediaKind kind) noexcept {
  return kind == MediaKind::kAudio || !sink.wants().noVideo;
}

MediaCodec Renditions::wanted(const FrameSink& sink, MediaKind kind) const noexcept {
  return kind == MediaKind::kVideo ? sink.wants().video : sink.wants().audio;
}

void Renditions::addSink(FrameSink* sink) {
  sinks_.push_back(sink);
  // Audio-only sinks start with the next frame: the replay is for pictures.
  if (sink->wants().noVideo || !haveSource_[kindIndex(MediaKind::kVideo)]) return;
  if (passes(*sink, MediaKind::kVideo)) {
    // Replay from the last keyframe so the sink starts now, not at the next one.
    const bool audioPasses = passes(*sink, MediaKind::kAudio);
    for (const auto& f : gop_)
      if (kindOf(*f) == MediaKind::kVideo || audioPasses) sink->onFrame(f);
    if (gop_.empty()) listener_.onSourceKeyframeNeeded();
  } else {
    requestKeyframe(sink);
  }
}

void Renditions::removeSink(FrameSink* sink) {
  std::erase(sinks_, sink);
  prune();
}

void Renditions::setSourceVideoReorders(bool reorders) {
  if (reorders_ == reorders) return;
  reorders_ = reorders;
  prune();
}

void Renditions::onSourceChanged() {
  gop_.clear();
  gopBytes_ = 0;
  for (auto& r : renditions_) r->started = false;
}

Renditions::Rendition* Renditions::findRendition(MediaKind kind, MediaCodec to) noexcept {
  for (auto& r : renditions_)
    if (r->kind == kind && r->makes(to) && r->from == source_[kindIndex(kind)]) return r.get();
  return nullptr;
}

// Video is decoded once per source: a codec the running video transcode does not make
// replaces it with one that makes every codec the sinks want (from its next keyframe).
Renditions::Rendition* Renditions::startRendition(MediaKind kind, MediaCodec to) {
  if (!pool_ || !executor_) return nullptr;
  auto r = std::make_unique<Rendition>();
  r->kind = kind;
  r->from = source_[kindIndex(kind)];
  r->to = {to};
  if (kind == MediaKind::kVideo) {
    for (FrameSink* sink : sinks_)
      if (takes(*sink, kind) && !passes(*sink, kind) && !r->makes(wanted(*sink, kind)))
        r->to.push_back(wanted(*sink, kind));
    std::sort(r->to.begin(), r->to.end());  // a stable name, whichever sink came first
    std::erase_if(renditions_, [&](const std::unique_ptr<Rendition>& old) {
      if (old->kind != kind) return false;
      ++counters_.stopped;
      spdlog::info("rendition {} replaced by one that also makes {}", name(*old), media::codecName(to));
      return true;
    });
  }
  r->output = std::make_shared<Output>(*this, *r);
  codec::TranscodeSpec spec;
  spec.from = r->from;
  spec.to = r->to.front();
  spec.alsoTo.assign(r->to.begin() + 1, r->to.end());
  spec.keyframeIntervalMs = encode_.keyframeIntervalMs;
  spec.seiMetadata = encode_.seiMetadata;
  spec.sampleRate = 48000;
  spec.channels = 2;
  r->handle = pool_->start(spec, *executor_, r->output);
  if (!r->handle) {
    // Kept, failed, so it is not asked for again on every frame; sinks that want it get nothing.
    r->failed = true;
    ++counters_.refused;
    spdlog::warn("rendition {} not started: the transcode limit (max_transcodes) is reached", name(*r));
    renditions_.push_back(std::move(r));
    return renditions_.back().get();
  }
  ++counters_.started;
  spdlog::info("rendition {} started", name(*r));
  if (kind == MediaKind::kVideo) listener_.onSourceKeyframeNeeded();
  renditions_.push_back(std::move(r));
  return renditions_.back().get();
}

std::string Renditions::name(const Rendition& r) {
  std::string n = std::string(media::codecName(r.from)) + "→";
  for (size_t i = 0; i < r.to.size(); ++i) n += (i ? "+" : "") + std::string(media::codecName(r.to[i]));
  return n;
}

void Renditions::onSourceFrame(const std::shared_ptr<const MediaFrame>& frame) {
  const MediaKind kind = kindOf(*frame);
  const auto k = kindIndex(kind);
  ++counters_.framesIn;
  ++frameNumber_;
  if (!haveSource_[k] || source_[k] != frame->codec) {
    haveSource_[k] = true;
    source_[k] = frame->codec;
    prune();  // transcodes from the previous codec
  }
  remember(frame);
  for (FrameSink* sink : sinks_) {
    if (!takes(*sink, kind)) continue;
    if (passes(*sink, kind)) {
      sink->onFrame(frame);
      continue;
    }
    const MediaCodec to = wanted(*sink, kind);
    Rendition* r = findRendition(kind, to);
    if (!r) r = startRendition(kind, to);
    // Each rendition is fed once per source frame, however many sinks share it.
    if (r && !r->failed && r->lastFed != frameNumber_) {
      r->lastFed = frameNumber_;
      feed(*r, frame);
    }
  }
}

void Renditions::feed(Rendition& r, const std::shared_ptr<const MediaFrame>& frame) {
  if (r.kind == MediaKind::kVideo && !r.started) {
    // A decoder starts at a keyframe; until then input is useless.
    if (!frame->keyframe) {
      ++counters_.framesSkipped;
      return;
    }
    r.started = true;
  }
  if (!r.handle->submit(frame) || (r.kind == MediaKind::kVideo && r.handle->wantsKeyframe())) {
    ++counters_.framesSkipped;
    if (r.kind == MediaKind::kVideo) listener_.onSourceKeyframeNeeded();
  }
}

void Renditions::onTranscoded(Rendition& r, const std::shared_ptr<const MediaFrame>& frame) {
  for (FrameSink* sink : sinks_)
    if (takes(*sink, r.kind) && !passes(*sink, r.kind) && wanted(*sink, r.kind) == frame->codec) sink->onFrame(frame);
}

void Renditions::onFailed(Rendition& r, std::string_view reason) {
  if (r.failed) return;
  r.failed = true;
  ++counters_.failed;
  spdlog::warn("rendition {} failed: {}", name(r), reason);
}

void Renditions::requestKeyframe(FrameSink* sink) {
  if (sink->wants().noVideo) return;
  if (!haveSource_[kindIndex(MediaKind::kVideo)] || passes(*sink, MediaKind::kVideo)) {
    listener_.onSourceKeyframeNeeded();
    return;
  }
  if (Rendition* r = findRendition(MediaKind::kVideo, sink->wants().video); r && r->handle) r->handle->requestKeyframe();
}

void Renditions::prune() {
  std::erase_if(renditions_, [this](const std::unique_ptr<Rendition>& r) {
    bool needed = r->from == source_[kindIndex(r->kind)];
    if (needed) {
      needed = false;
      for (FrameSink* sink : sinks_)
        if (takes(*sink, r->kind) && !passes(*sink, r->kind) && r->makes(wanted(*sink, r->kind))) needed = true;
    }
    if (!needed) {
      ++counters_.stopped;
      spdlog::info("rendition {} stopped", name(*r));
    }
    return !needed;
  });
}

void Renditions::remember(const std::shared_ptr<const MediaFrame>& frame) {
  if (kindOf(*frame) == MediaKind::kVideo && frame->keyframe) {
    gop_.clear();
    gopBytes_ = 0;
  }
  // Nothing useful before the first keyframe, and a GOP too long to replay is dropped.
  if (gop_.empty() && !(kindOf(*frame) == MediaKind::kVideo && frame->keyframe)) return;
  if (gop_.size() >= kMaxGopFrames || gopBytes_ + frame->data.size() > kMaxGopBytes) {
    gop_.clear();
    gopBytes_ = 0;
    return;
  }
  gop_.push_back(frame);
  gopBytes_ += frame->data.size();
}

void Renditions::endAll(std::string_view reason) {
  auto sinks = std::move(sinks_);
  sinks_.clear();
  for (FrameSink* sink : sinks) sink->onStreamEnded(reason);
  prune();
  gop_.clear();
  gopBytes_ = 0;
}

std::vector<std::string> Renditions::describe() const {
  std::vector<std::string> out;
  for (const auto& r : renditions_) out.push_back(name(*r) + (r->failed ? " (failed)" : ""));
  return out;
}

}  // namespace rtcgate::sfu
