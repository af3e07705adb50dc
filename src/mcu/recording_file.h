#pragma once
// RecordingFile: one media file written with libavformat — fragmented MP4 (H.264 with AAC
// or Opus) or WebM (VP8/VP9 with Opus) — from encoded frames, without transcoding. A
// fragment is written at least every second and flushed to the file at once, so a process
// that dies leaves a file that plays up to its last second.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "media/media_frame.h"

struct AVFormatContext;

namespace rtcgate::mcu {

enum class Container { kMp4, kWebm };

// What a track of the file holds, known from its first frames.
struct TrackFormat {
  media::MediaCodec codec = media::MediaCodec::kH264;
  int width = 0, height = 0;         // video
  int sampleRate = 0, channels = 0;  // audio
  std::vector<uint8_t> extradata;    // H.264 SPS/PPS (Annex B), AAC AudioSpecificConfig
};

// The container for these codecs, or nothing when no container takes them as they are.
std::optional<Container> containerFor(std::optional<media::MediaCodec> video, std::optional<media::MediaCodec> audio);
const char* extensionOf(Container c) noexcept;

class RecordingFile {
 public:
  RecordingFile() = default;
  ~RecordingFile();
  RecordingFile(const RecordingFile&) = delete;
  RecordingFile& operator=(const RecordingFile&) = delete;

  // Creates `path` and writes the header. The error text says why it could not.
  Status open(const std::string& path, Container container, const std::optional<TrackFormat>& video,
              const std::optional<TrackFormat>& audio, std::string& why);
  // Writes one frame at `ptsUs`/`dtsUs` from the file's start (dts rising per track).
  Status write(const media::MediaFrame& frame, int64_t ptsUs, int64_t dtsUs, std::string& why);
  // Writes the trailer (MP4 index, WebM cues) and closes; idempotent.
  Status close(std::string& why);
  bool isOpen() const noexcept { return ctx_ != nullptr; }
  uint64_t bytes() const noexcept { return bytes_; }

 private:
  void release() noexcept;

  AVFormatContext* ctx_ = nullptr;
  int videoIndex_ = -1;
  int audioIndex_ = -1;
  uint64_t bytes_ = 0;
};

}  // namespace rtcgate::mcu
