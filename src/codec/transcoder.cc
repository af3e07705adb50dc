#include "codec/transcoder.h"

#include <mutex>

#include "codec/audio_transcoder.h"
#include "codec/ffmpeg_ptr.h"
#include "codec/video_transcoder.h"

namespace rtcgate::codec {

void quietFfmpegLogs() noexcept {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

Result<std::unique_ptr<Transcoder>> Transcoder::create(const TranscodeSpec& spec) {
  quietFfmpegLogs();
  if (media::isVideo(spec.from) != media::isVideo(spec.to)) {
    return Error::unsupported("transcode between audio and video");
  }
  if (media::isVideo(spec.from)) {
    auto v = VideoTranscoder::create(spec);
    if (!v.ok()) return v.error();
    return std::unique_ptr<Transcoder>(std::move(v.value()));
  }
  auto a = AudioTranscoder::create(spec);
  if (!a.ok()) return a.error();
  return std::unique_ptr<Transcoder>(std::move(a.value()));
}

}  // namespace rtcgate::codec
