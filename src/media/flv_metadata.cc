#include "media/flv_metadata.h"

#include "wire/rtmp/flv_tag.h"

namespace rtcgate::media {
namespace {

using wire::rtmp::Amf0Value;

// Annex E.5 says the codec ids are the tag header's CodecID / SoundFormat; Enhanced RTMP
// puts the FourCC (as a number) there for the codecs that have no legacy id. 0: none.
double videoCodecId(MediaCodec codec) noexcept {
  switch (codec) {
    case MediaCodec::kH264:
      return wire::rtmp::kVideoCodecAvc;
    case MediaCodec::kVp9:
      return wire::rtmp::kFourCcVp9;
    case MediaCodec::kAv1:
      return wire::rtmp::kFourCcAv1;
    default:
      return 0;
  }
}

double audioCodecId(MediaCodec codec) noexcept {
  if (codec == MediaCodec::kAac) return wire::rtmp::kSoundFormatAac;
  if (codec == MediaCodec::kOpus) return wire::rtmp::kFourCcOpus;
  return 0;
}

void addVideo(Amf0Value& meta, const FlvVideoInfo& video) {
  if (video.width != 0 && video.height != 0) {
    meta.set("width", Amf0Value::number(video.width));
    meta.set("height", Amf0Value::number(video.height));
  }
  if (video.frameRate > 0) meta.set("framerate", Amf0Value::number(video.frameRate));
  if (const double id = videoCodecId(video.codec); id != 0) meta.set("videocodecid", Amf0Value::number(id));
}

void addAudio(Amf0Value& meta, const FlvAudioInfo& audio) {
  if (const double id = audioCodecId(audio.codec); id != 0) meta.set("audiocodecid", Amf0Value::number(id));
  if (audio.sampleRate != 0) meta.set("audiosamplerate", Amf0Value::number(audio.sampleRate));
  meta.set("audiosamplesize", Amf0Value::number(16));
  if (audio.channels != 0) {
    meta.set("audiochannels", Amf0Value::number(audio.channels));
    meta.set("stereo", Amf0Value::boolean(audio.channels >= 2));
  }
}

}  // namespace

Amf0Value buildFlvMetadata(const std::optional<FlvVideoInfo>& video, const std::optional<FlvAudioInfo>& audio) {
  Amf0Value meta = Amf0Value::ecmaArray();
  // Players read duration 0 as a live stream.
  meta.set("duration", Amf0Value::number(0));
  if (video) addVideo(meta, *video);
  if (audio) addAudio(meta, *audio);
  return meta;
}

}  // namespace rtcgate::media
