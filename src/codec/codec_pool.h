#pragma once
// CodecPool: the threads that decode and encode (DESIGN.md §4), off the media workers.
// Each transcode runs on one pool thread behind a bounded queue: a slow encoder drops
// frames, it never stalls the worker that feeds it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/executor.h"
#include "media/media_frame.h"
#include "codec/transcode_spec.h"

namespace rtcgate::codec {

// Where a transcode's results go. Called on the Executor given to CodecPool::start (the
// owner's thread), only while the owner still holds the shared_ptr it passed in.
class TranscodeOutput {
 public:
  virtual ~TranscodeOutput() = default;
  virtual void onTranscodedFrame(std::shared_ptr<const media::MediaFrame> frame) = 0;
  // The transcode cannot go on (codec missing, encoder failure); no more frames follow.
  virtual void onTranscodeFailed(std::string reason) = 0;
};

// Counters of one transcode, readable from any thread.
struct TranscodeStats {
  std::atomic<uint64_t> framesIn{0};
  std::atomic<uint64_t> framesOut{0};
  std::atomic<uint64_t> framesDropped{0};   // queue full, or skipped until the next keyframe
  std::atomic<uint64_t> decodeErrors{0};
  std::atomic<uint64_t> busyUs{0};          // time spent decoding and encoding
};

// The owner's handle of one running transcode.
class TranscodeHandle {
 public:
  virtual ~TranscodeHandle() = default;
  // Queues a frame; false when the queue is full and the frame was dropped (video then
  // skips input until the next keyframe, so the decoder never sees a broken reference).
  virtual bool submit(std::shared_ptr<const media::MediaFrame> frame) = 0;
  // Video: the next output frame is a keyframe (a new sink joined, a player lost sync).
  virtual void requestKeyframe() = 0;
  // Input frames were skipped until a keyframe: the source should be asked for one.
  virtual bool wantsKeyframe() const = 0;
  virtual const TranscodeStats& stats() const = 0;
  virtual const TranscodeSpec& spec() const = 0;
};

class CodecPool {
 public:
  // `threads` 0: one per core. At most `maxTranscodes` run at once, across every worker.
  explicit CodecPool(unsigned threads = 0, size_t queueDepth = 8, size_t maxTranscodes = kDefaultMaxTranscodes);
  static constexpr size_t kDefaultMaxTranscodes = 16;
  ~CodecPool();
  CodecPool(const CodecPool&) = delete;
  CodecPool& operator=(const CodecPool&) = delete;

  // Starts a transcode on one pool thread. Results are posted to `deliver` and handed to
  // `output` if it is still alive then. Destroying the handle stops the transcode (queued
  // frames are dropped, the codec is freed on its pool thread); nothing is posted to
  // `deliver` after that, and closures already posted do nothing, so `deliver` only has to
  // outlive the handle. Null when maxTranscodes are running already.
  std::unique_ptr<TranscodeHandle> start(const TranscodeSpec& spec, Executor& deliver,
                                         std::weak_ptr<TranscodeOutput> output);
  unsigned threads() const noexcept;
  // Transcodes running now (handles alive).
  size_t running() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtcgate::codec
