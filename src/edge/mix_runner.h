#pragma once
// MixRunner: one mix on its mix thread — the audio engine stepped every 20 ms and the
// video compositor on its own frame clock, both on one monotonic mix clock so that the
// output's sound and picture line up. What it makes and the keyframes its sources need are
// handed to callbacks (which post to the control thread); it is touched only on its thread.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcu/audio_mix_engine.h"
#include "mcu/video_compositor.h"
#include "net/event_loop.h"

namespace rtcgate::edge {

struct MixRunnerCallbacks {
  std::function<void(std::vector<std::shared_ptr<const media::MediaFrame>>)> frames;
  // A listener's mix-minus frames.
  std::function<void(const std::string& listener, std::vector<std::shared_ptr<const media::MediaFrame>>)> minusFrames;
  std::function<void(const std::string& source)> keyframeWanted;
};

class MixRunner {
 public:
  // Either engine may be null (an audio-only or a video-only mix). `epochUs`: the mix
  // clock's time of the output's pts 0.
  MixRunner(net::EventLoop& loop, std::string name, std::unique_ptr<mcu::AudioMixEngine> audio,
            std::unique_ptr<mcu::VideoCompositor> video, int64_t epochUs, MixRunnerCallbacks callbacks);

  void start();
  void stop();

  void push(const std::string& source, const media::MediaFrame& frame);
  void removeSource(const std::string& source);
  void setSources(const std::vector<std::string>& sources);
  void setLayout(mcu::LayoutKind kind, std::vector<mcu::Region> regions);
  void setMixMinus(const std::string& listener, bool wanted);

  // The mix clock: monotonic microseconds.
  static int64_t nowUs();

 private:
  void audioTick();
  void videoTick();
  static std::vector<std::shared_ptr<const media::MediaFrame>> shared(std::vector<media::MediaFrame>& frames);

  std::string name_;
  std::unique_ptr<mcu::AudioMixEngine> audio_;
  std::unique_ptr<mcu::VideoCompositor> video_;
  int64_t epochUs_;
  MixRunnerCallbacks callbacks_;
  net::Timer audioTimer_;
  net::Timer videoTimer_;
  int64_t nextVideoUs_ = 0;
  int64_t frameIntervalUs_ = 0;
  std::map<std::string, media::MediaCodec> audioSources_;
  // Per source: mix clock minus the source's pts.
  std::map<std::string, std::optional<int64_t>> offsets_;
  // A source whose frames move this far from where its clock says is placed again.
  static constexpr int64_t kReanchorUs = 1'000'000;
  // ... and one whose audio comes this much later than its clock says (a sender whose clock
  // runs slow, a stall): the mix would drop it as late, so it is placed again.
  static constexpr int64_t kLateReanchorUs = 150'000;
  bool stopped_ = false;
};

}  // namespace rtcgate::edge
