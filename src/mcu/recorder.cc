#include "mcu/recorder.h"

#include <algorithm>

#include "codec/video_decoder.h"
#include "media/annex_b.h"

namespace rtcgate::mcu {

namespace {

constexpr int64_t kResumeGapUs = 20'000;  // between the last frame before a gap and the first after

// Rate and channels of an AAC AudioSpecificConfig (ISO 14496-3 §1.6.2.1), or nothing.
std::optional<std::pair<int, int>> aacFormat(const std::vector<uint8_t>& asc) {
  static constexpr int kRates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
  if (asc.size() < 2) return std::nullopt;
  const int index = ((asc[0] & 0x07) << 1) | (asc[1] >> 7);
  const int channels = (asc[1] >> 3) & 0x0f;
  if (index >= 13 || channels < 1 || channels > 7) return std::nullopt;
  return std::pair{kRates[index], channels == 7 ? 8 : channels};
}

// The SPS and PPS of an H.264 keyframe as Annex B (its config, else the ones in band).
std::vector<uint8_t> h264ParameterSets(const media::MediaFrame& keyframe) {
  if (!keyframe.config.empty()) return keyframe.config;
  std::vector<uint8_t> out;
  media::AnnexBReader reader(keyframe.data);
  std::span<const uint8_t> nal;
  while (reader.next(nal)) {
    const uint8_t type = media::nalType(nal[0]);
    if (type == media::kNalSps || type == media::kNalPps) media::appendNal(out, nal);
  }
  return out;
}

}  // namespace

const char* stateName(RecordingState s) noexcept {
  switch (s) {
    case RecordingState::kStarting: return "starting";
    case RecordingState::kRecording: return "recording";
    case RecordingState::kPaused: return "paused";
    case RecordingState::kStopped: return "stopped";
    case RecordingState::kFailed: return "failed";
  }
  return "failed";
}

Recorder::Recorder(std::string basePath) : basePath_(std::move(basePath)) {}

void Recorder::push(const media::MediaFrame& frame) {
  const bool video = media::isVideo(frame.codec);
  switch (info_.state) {
    case RecordingState::kStopped:
    case RecordingState::kFailed: return;
    case RecordingState::kStarting: {
      if (video && !sawVideo_ && !frame.keyframe) return;  // nothing before the first keyframe
      if (video && !sawVideo_) {
        // Audio older than the first picture is not kept.
        std::erase_if(pending_, [&](const media::MediaFrame& f) { return f.ptsUs < frame.ptsUs; });
        firstPendingUs_ = pending_.empty() ? frame.ptsUs : std::min(frame.ptsUs, pending_.front().ptsUs);
      }
      if (video) sawVideo_ = true;
      if (firstPendingUs_ == INT64_MIN) firstPendingUs_ = frame.ptsUs;
      if (pending_.size() >= kMaxPendingFrames) pending_.erase(pending_.begin());
      pending_.push_back(frame);
      tryOpen();
      return;
    }
    case RecordingState::kPaused:
      if (video && info_.video && !frame.keyframe) return;  // resume on a picture that decodes
      if (!video && info_.video) return;                     // and audio from that picture on
      info_.state = RecordingState::kRecording;
      ++info_.segments;
      resuming_ = true;
      break;
    case RecordingState::kRecording: break;
  }
  write(frame);
}

void Recorder::tryOpen() {
  const int64_t waited = pending_.back().ptsUs - firstPendingUs_;
  // Both kinds among the frames kept (audio from before the first picture is not).
  const bool both = std::any_of(pending_.begin(), pending_.end(), [](const auto& f) { return media::isVideo(f.codec); }) &&
                    std::any_of(pending_.begin(), pending_.end(), [](const auto& f) { return !media::isVideo(f.codec); });
  if (!both && waited < (expectVideo_ && !sawVideo_ ? kWaitForDeclaredVideoUs : kWaitForTracksUs)) return;
  if (!open()) return;
  auto frames = std::move(pending_);
  pending_.clear();
  std::stable_sort(frames.begin(), frames.end(),
                   [](const media::MediaFrame& a, const media::MediaFrame& b) { return a.dtsUs < b.dtsUs; });
  offsetUs_ = -frames.front().ptsUs;
  for (const auto& f : frames) {
    if (info_.state != RecordingState::kRecording) break;
    write(f);
  }
}

bool Recorder::open() {
  std::optional<TrackFormat> video, audio;
  for (const auto& f : pending_) {
    if (media::isVideo(f.codec) && !video && f.keyframe) {
      auto decoder = codec::VideoDecoder::create(f.codec);
      if (!decoder.ok() || !(*decoder)->send(f).ok()) continue;
      AVFrame* picture = (*decoder)->receive();
      if (!picture) continue;
      video = TrackFormat{f.codec, picture->width, picture->height, 0, 0, {}};
      if (f.codec == media::MediaCodec::kH264) video->extradata = h264ParameterSets(f);
    } else if (!media::isVideo(f.codec) && !audio) {
      if (f.codec == media::MediaCodec::kOpus) {
        audio = TrackFormat{f.codec, 0, 0, 48000, 2, {}};
      } else if (auto format = aacFormat(f.config)) {
        audio = TrackFormat{f.codec, 0, 0, format->first, format->second, f.config};
      }
    }
  }
  if (!video && !audio) {
    if (sawVideo_) fail("the stream's first keyframe does not decode");
    else fail("the stream's audio has no usable configuration");
    return false;
  }
  const auto container =
      containerFor(video ? std::optional(video->codec) : std::nullopt, audio ? std::optional(audio->codec) : std::nullopt);
  if (!container) {
    // VP8/VP9 with AAC: the video alone goes to WebM rather than nothing at all.
    audio.reset();
    if (!video) return fail("no container takes these codecs"), false;
  }
  const Container c = container.value_or(Container::kWebm);
  info_.path = basePath_ + "." + extensionOf(c);
  info_.video = video ? std::optional(video->codec) : std::nullopt;
  info_.audio = audio ? std::optional(audio->codec) : std::nullopt;
  std::string why;
  if (!file_.open(info_.path, c, video, audio, why).ok()) return fail(why), false;
  info_.state = RecordingState::kRecording;
  info_.segments = 1;
  info_.bytes = file_.bytes();
  return true;
}

void Recorder::write(const media::MediaFrame& frame) {
  const bool video = media::isVideo(frame.codec);
  const std::optional<media::MediaCodec>& track = video ? info_.video : info_.audio;
  if (!track) return;  // a kind the file does not have
  if (*track != frame.codec)
    return fail(std::string("the stream's ") + (video ? "video" : "audio") + " codec changed from " +
                std::string(media::codecName(*track)) + " to " + std::string(media::codecName(frame.codec)));
  if (resuming_) {
    offsetUs_ = lastFileUs_ + kResumeGapUs - frame.ptsUs;
    resuming_ = false;
  }
  int64_t& lastDts = lastDts_[video ? 0 : 1];
  int64_t dts = frame.dtsUs + offsetUs_;
  if (dts < 0 && lastDts == INT64_MIN) dts = 0;
  if (lastDts != INT64_MIN && dts <= lastDts) dts = lastDts + 1;
  const int64_t pts = std::max(frame.ptsUs + offsetUs_, dts);
  std::string why;
  if (!file_.write(frame, pts, dts, why).ok()) return fail(why);
  lastDts = dts;
  lastFileUs_ = std::max(lastFileUs_, pts);
  info_.durationUs = lastFileUs_;
  info_.bytes = file_.bytes();
  ++info_.frames;
}

void Recorder::sourceEnded() {
  if (info_.state == RecordingState::kRecording) info_.state = RecordingState::kPaused;
}

void Recorder::stop() {
  if (info_.state == RecordingState::kStopped || info_.state == RecordingState::kFailed) return;
  std::string why;
  const bool ok = file_.close(why).ok();
  info_.bytes = std::max(info_.bytes, file_.bytes());
  pending_.clear();
  if (!ok) return fail(why);
  info_.state = RecordingState::kStopped;
}

void Recorder::fail(std::string why) {
  info_.state = RecordingState::kFailed;
  info_.error = std::move(why);
  std::string ignored;
  (void)file_.close(ignored);  // what was written stays playable
  pending_.clear();
}

}  // namespace rtcgate::mcu
