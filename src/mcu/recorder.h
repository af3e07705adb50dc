#pragma once
// Recorder: a stream's frames into one file (RecordingFile), as a small state machine.
//
//   starting ──(a video keyframe and audio, or one kind for 3 s)──▶ recording
//   recording ──sourceEnded──▶ paused ──(the stream's frames again)──▶ recording
//   any ──stop──▶ stopped          any ──(write error, codecs changed)──▶ failed
//
// The file's timeline starts at its first keyframe and runs on across a publisher that
// reconnects: the frames after the gap continue where the file ended, audio and video
// moved together. A failure closes the file (still playable up to there) and keeps the
// reason; it never reaches the stream.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcu/recording_file.h"

namespace rtcgate::mcu {

enum class RecordingState { kStarting, kRecording, kPaused, kStopped, kFailed };
const char* stateName(RecordingState s) noexcept;

struct RecorderInfo {
  RecordingState state = RecordingState::kStarting;
  std::string path;   // with its extension once the container is chosen
  std::string error;  // why it failed
  uint64_t bytes = 0;
  int64_t durationUs = 0;  // of the file's timeline
  uint64_t frames = 0;
  uint32_t segments = 0;   // publisher sessions recorded (reconnects + 1)
  std::optional<media::MediaCodec> video, audio;
};

class Recorder {
 public:
  // Source time to wait for the second kind of track before recording one alone.
  static constexpr int64_t kWaitForTracksUs = 3'000'000;
  // ... and for the video of a stream that declares video (a mix's first picture comes after
  // its encoder starts, later than its audio on a loaded machine).
  static constexpr int64_t kWaitForDeclaredVideoUs = 10'000'000;
  static constexpr size_t kMaxPendingFrames = 600;

  // `basePath`: the file's path without extension (".mp4" or ".webm" is added).
  explicit Recorder(std::string basePath);

  // The stream declares video (before the first frame): its audio alone does not start a file
  // until kWaitForDeclaredVideoUs.
  void expectVideo(bool expected) noexcept { expectVideo_ = expected; }
  void push(const media::MediaFrame& frame);
  // The stream's publisher went away: the file stays open for its return.
  void sourceEnded();
  void stop();
  const RecorderInfo& info() const noexcept { return info_; }

 private:
  void tryOpen();
  bool open();
  void write(const media::MediaFrame& frame);
  void fail(std::string why);

  std::string basePath_;
  RecorderInfo info_;
  RecordingFile file_;
  std::vector<media::MediaFrame> pending_;  // starting: from the first video keyframe on
  bool sawVideo_ = false;
  bool expectVideo_ = false;
  int64_t firstPendingUs_ = INT64_MIN;
  bool resuming_ = false;          // the first frames after a pause set a new offset
  int64_t offsetUs_ = 0;           // file time = source time + offset
  int64_t lastFileUs_ = 0;         // file pts of the newest frame written
  int64_t lastDts_[2] = {INT64_MIN, INT64_MIN};  // per kind: video, audio
};

}  // namespace rtcgate::mcu
