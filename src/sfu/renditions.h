#pragma once
// Renditions: hands a stream's source frames to its frame sinks, each in the codec it takes:
// passed through when the source already has it, otherwise through a transcode shared by
// every sink that wants that rendition (DESIGN.md §2). Video is decoded once per source:
// one transcode makes every codec its sinks want. A transcode starts when the first sink
// needs it and stops with the last one.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/executor.h"
#include "codec/codec_pool.h"
#include "sfu/frame_sink.h"
#include "sfu/media_kind.h"
#include "sfu/stream_context.h"

namespace rtcgate::sfu {

// What renditions need from the stream's source.
class RenditionsListener {
 public:
  virtual ~RenditionsListener() = default;
  // A new transcode, a joining pass-through sink or a transcode that dropped input needs
  // a video keyframe from the source (the source rate-limits its requests).
  virtual void onSourceKeyframeNeeded() = 0;
};

// Counters for the stream's info and /metrics.
struct RenditionCounters {
  uint64_t started = 0;
  uint64_t stopped = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;        // not started: the process runs max_transcodes already
  uint64_t framesIn = 0;       // source frames
  uint64_t framesSkipped = 0;  // not given to a transcode: waiting for a keyframe or queue full

  void merge(const RenditionCounters& o) noexcept {
    started += o.started;
    stopped += o.stopped;
    failed += o.failed;
    refused += o.refused;
    framesIn += o.framesIn;
    framesSkipped += o.framesSkipped;
  }
};

class Renditions {
 public:
  // Without a pool (tests, a gateway with transcoding off) only pass-through works.
  Renditions(codec::CodecPool* pool, Executor* executor, RenditionsListener& listener, EncodeOptions encode = {});
  ~Renditions();
  Renditions(const Renditions&) = delete;
  Renditions& operator=(const Renditions&) = delete;

  // A pass-through sink joining mid-stream first gets the frames since the last keyframe.
  void addSink(FrameSink* sink);
  void removeSink(FrameSink* sink);
  bool hasSinks() const noexcept { return !sinks_.empty(); }
  size_t sinkCount() const noexcept { return sinks_.size(); }

  // The source's H.264 may reorder frames (not Baseline), so in-order sinks need a re-encode.
  void setSourceVideoReorders(bool reorders);
  // A new source took over: its predecessor's GOP is no use to a joining sink, and the
  // transcodes restart at the new source's first keyframe.
  void onSourceChanged();
  void onSourceFrame(const std::shared_ptr<const media::MediaFrame>& frame);
  // A sink needs a keyframe (joined, lost sync): from its transcode, else from the source.
  void requestKeyframe(FrameSink* sink);
  // Tells every sink the stream is over and forgets them.
  void endAll(std::string_view reason);

  const RenditionCounters& counters() const noexcept { return counters_; }
  size_t running() const noexcept { return renditions_.size(); }
  // "VP8→H264", one per running transcode, for stream info.
  std::vector<std::string> describe() const;

 private:
  struct Rendition;
  class Output;

  // False for video and a sink that takes audio only.
  static bool takes(const FrameSink& sink, MediaKind kind) noexcept;
  // True when `sink` takes the source's own frames of `kind`.
  bool passes(const FrameSink& sink, MediaKind kind) const noexcept;
  media::MediaCodec wanted(const FrameSink& sink, MediaKind kind) const noexcept;
  Rendition* findRendition(MediaKind kind, media::MediaCodec to) noexcept;
  Rendition* startRendition(MediaKind kind, media::MediaCodec to);
  void feed(Rendition& r, const std::shared_ptr<const media::MediaFrame>& frame);
  void onTranscoded(Rendition& r, const std::shared_ptr<const media::MediaFrame>& frame);
  void onFailed(Rendition& r, std::string_view reason);
  // Stops transcodes no sink needs any more (or whose input codec changed).
  void prune();
  void remember(const std::shared_ptr<const media::MediaFrame>& frame);
  static std::string name(const Rendition& r);

  codec::CodecPool* pool_;
  Executor* executor_;
  RenditionsListener& listener_;
  EncodeOptions encode_;
  std::vector<FrameSink*> sinks_;
  std::vector<std::unique_ptr<Rendition>> renditions_;
  bool haveSource_[kMediaKinds] = {false, false};
  media::MediaCodec source_[kMediaKinds] = {media::MediaCodec::kOpus, media::MediaCodec::kVp8};
  bool reorders_ = false;
  uint64_t frameNumber_ = 0;
  // Source frames since the last video keyframe, for pass-through sinks that join.
  std::vector<std::shared_ptr<const media::MediaFrame>> gop_;
  size_t gopBytes_ = 0;
  RenditionCounters counters_;
};

}  // namespace rtcgate::sfu
