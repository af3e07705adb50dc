#include "edge/mix_runner.h"

#include "base/clock.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace rtcgate::edge {

int64_t MixRunner::nowUs() { return SteadyClock().nowUs(); }

MixRunner::MixRunner(net::EventLoop& loop, std::string name, std::unique_ptr<mcu::AudioMixEngine> audio,
                     std::unique_ptr<mcu::VideoCompositor> video, int64_t epochUs, MixRunnerCallbacks callbacks)
    : name_(std::move(name)),
      audio_(std::move(audio)),
      video_(std::move(video)),
      epochUs_(epochUs),
      callbacks_(std::move(callbacks)),
      audioTimer_(loop),
      videoTimer_(loop) {
  if (video_) frameIntervalUs_ = 1'000'000 / video_->options().fps;
}

void MixRunner::start() {
  if (audio_) audioTick();
  if (video_) {
    nextVideoUs_ = nowUs();
    videoTick();
  }
}

void MixRunner::stop() {
  stopped_ = true;
  audioTimer_.cancel();
  videoTimer_.cancel();
}

void MixRunner::push(const std::string& source, const media::MediaFrame& frame) {
  // The source's clock is put on the mix clock once (at its first frame, again after a jump:
  // a publisher that reconnected); each frame then goes by its pts, so audio and video the
  // source sent together (its sender reports, or its encoder, lined them up) are mixed and
  // shown together, whatever the network did to either.
  const int64_t arrived = nowUs();
  auto& offset = offsets_[source];
  // Late audio is placed again at once (the mix would drop it); video arriving later than its
  // audio is not, or the audio would run ahead of the mix's jitter buffer.
  const int64_t late = arrived - frame.ptsUs - (offset ? *offset : 0);
  if (!offset || std::llabs(late) > kReanchorUs || (!media::isVideo(frame.codec) && late > kLateReanchorUs))
    offset = arrived - frame.ptsUs;
  const int64_t now = frame.ptsUs + *offset;
  if (media::isVideo(frame.codec)) {
    if (video_) (void)video_->push(source, frame, now);  // a frame that does not decode waits for a keyframe
    return;
  }
  if (!audio_) return;
  auto it = audioSources_.find(source);
  if (it == audioSources_.end() || it->second != frame.codec) {
    // The first frame, or the codec changed (the source was published again).
    audio_->removeSource(source);
    if (auto st = audio_->addSource(source, frame.codec); !st.ok()) {
      spdlog::warn("mix {}: audio of source '{}' cannot be decoded: {}", name_, source, st.error().message);
      audioSources_.erase(source);
      return;
    }
    audioSources_[source] = frame.codec;
  }
  (void)audio_->push(source, frame, now);  // a frame that does not decode is left out
}

void MixRunner::removeSource(const std::string& source) {
  audioSources_.erase(source);
  offsets_.erase(source);
  if (audio_) audio_->removeSource(source);
  if (video_) video_->dropSource(source);
}

void MixRunner::setSources(const std::vector<std::string>& sources) {
  if (video_) video_->setSources(sources);
}

void MixRunner::setLayout(mcu::LayoutKind kind, std::vector<mcu::Region> regions) {
  if (video_) video_->setLayout(kind, std::move(regions));
}

void MixRunner::setMixMinus(const std::string& listener, bool wanted) {
  if (!audio_) return;
  if (auto st = audio_->setMixMinus(listener, wanted); !st.ok())
    spdlog::warn("mix {}: no mix-minus for {}: {}", name_, listener, st.error().message);
}

std::vector<std::shared_ptr<const media::MediaFrame>> MixRunner::shared(std::vector<media::MediaFrame>& frames) {
  std::vector<std::shared_ptr<const media::MediaFrame>> out;
  out.reserve(frames.size());
  for (auto& f : frames) out.push_back(std::make_shared<const media::MediaFrame>(std::move(f)));
  return out;
}

void MixRunner::audioTick() {
  if (stopped_) return;
  mcu::MixOutput out;
  if (auto st = audio_->step(nowUs(), out); !st.ok())
    spdlog::warn("mix {}: audio encoding failed: {}", name_, st.error().message);
  if (!out.full.empty()) callbacks_.frames(shared(out.full));
  for (auto& [listener, frames] : out.minus)
    if (!frames.empty()) callbacks_.minusFrames(listener, shared(frames));
  audioTimer_.startUs(mcu::kMixStepUs, [this] { audioTick(); });
}

void MixRunner::videoTick() {
  if (stopped_) return;
  const int64_t now = nowUs();
  // On a fixed frame grid; a thread too busy for a tick skips it instead of bunching up.
  if (now - nextVideoUs_ > frameIntervalUs_) {
    nextVideoUs_ += (now - nextVideoUs_) / frameIntervalUs_ * frameIntervalUs_;
  }
  if (audio_) video_->setActiveSpeaker(audio_->activeSpeaker());
  std::vector<media::MediaFrame> frames;
  const int64_t shownUs = nextVideoUs_ - video_->options().delayUs;
  if (auto st = video_->compose(nextVideoUs_, shownUs - epochUs_, frames); !st.ok())
    spdlog::warn("mix {}: video encoding failed: {}", name_, st.error().message);
  if (!frames.empty()) callbacks_.frames(shared(frames));
  for (const auto& source : video_->takeKeyframeRequests(now)) callbacks_.keyframeWanted(source);
  nextVideoUs_ += frameIntervalUs_;
  videoTimer_.startUs(std::max<int64_t>(0, nextVideoUs_ - nowUs()), [this] { videoTick(); });
}

}  // namespace rtcgate::edge
