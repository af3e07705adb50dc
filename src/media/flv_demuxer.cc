#include "media/flv_demuxer.h"

#include "base/byte_reader.h"
#include "media/annex_b.h"
#include "media/h264_sps.h"
#include "wire/rtmp/aac_config.h"
#include "wire/rtmp/avc_config.h"
#include "wire/rtmp/flv_tag.h"
#include "wire/rtmp/nal_units.h"

namespace rtcgate::media {
namespace {

using wire::rtmp::AudioTag;
using wire::rtmp::PacketKind;
using wire::rtmp::VideoFrameType;
using wire::rtmp::VideoTag;

// Legacy FLV CodecID 12 is the de-facto HEVC id some encoders used before Enhanced RTMP.
constexpr uint8_t kLegacyHevcCodecId = 12;

constexpr Error kHevcUnsupported = Error::unsupported("HEVC is not supported yet");

// The MediaCodec of a video FourCC this bridge carries, or an error naming why not.
Result<MediaCodec> videoCodecOf(const VideoTag& tag) noexcept {
  if (!tag.enhanced && tag.codecId == kLegacyHevcCodecId) return kHevcUnsupported;
  switch (tag.fourCc) {
    case wire::rtmp::kFourCcAvc:
      return MediaCodec::kH264;
    case wire::rtmp::kFourCcVp9:
      return MediaCodec::kVp9;
    case wire::rtmp::kFourCcAv1:
      return MediaCodec::kAv1;
    case wire::rtmp::kFourCcHevc:
      return kHevcUnsupported;
    default:
      return Error::unsupported("video codec not supported");
  }
}

Result<MediaCodec> audioCodecOf(const AudioTag& tag) noexcept {
  if (tag.fourCc == wire::rtmp::kFourCcAac) return MediaCodec::kAac;
  if (tag.fourCc == wire::rtmp::kFourCcOpus) return MediaCodec::kOpus;
  return Error::unsupported("audio codec not supported");
}

// Keyframes as FLV marks them; a generated keyframe (server-side seek point) decodes alone too.
bool isKeyframe(VideoFrameType type) noexcept {
  return type == VideoFrameType::kKey || type == VideoFrameType::kGeneratedKey;
}

// Enhanced RTMP Opus sequence start: an OpusHead (RFC 7845 §5.1).
Result<FlvAudioInfo> parseOpusHead(std::span<const uint8_t> head) noexcept {
  static constexpr uint8_t kMagic[8] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
  constexpr size_t kMinSize = 19;
  if (head.size() < kMinSize) return Error::truncated("opus head");
  for (size_t i = 0; i < sizeof(kMagic); ++i) {
    if (head[i] != kMagic[i]) return Error::malformed("opus head magic");
  }
  if ((head[8] & 0xF0) != 0) return Error::unsupported("opus head version");
  if (head[9] == 0) return Error::malformed("opus head with no channels");
  // Opus always decodes at 48 kHz; the input sample rate field is only informational.
  return FlvAudioInfo{MediaCodec::kOpus, 48'000, head[9]};
}

}  // namespace

int64_t FlvDemuxer::unwrapUs(uint32_t timestampMs) noexcept {
  return timestamps_.unwrap(timestampMs) * 1000;
}

std::optional<FlvVideoInfo> FlvDemuxer::video() const noexcept {
  return video_;
}

std::optional<FlvAudioInfo> FlvDemuxer::audio() const noexcept {
  return audio_;
}

Status FlvDemuxer::pushVideo(uint32_t timestampMs, std::span<const uint8_t> body, std::vector<MediaFrame>& out) {
  auto tag = VideoTag::parse(body);
  if (!tag.ok()) return tag.error();
  const int64_t dtsUs = unwrapUs(timestampMs);
  // Command frames (seek markers), colour metadata and end of sequence carry no media.
  if (tag->frameType == VideoFrameType::kCommand || tag->kind == PacketKind::kCommand ||
      tag->kind == PacketKind::kMetadata || tag->kind == PacketKind::kEndOfSequence) {
    return {};
  }
  if (tag->kind == PacketKind::kOther) {
    if (tag->codecId == kLegacyHevcCodecId) return kHevcUnsupported;
    return Error::unsupported("video codec not supported");
  }
  if (tag->kind == PacketKind::kSequenceHeader) return videoSequenceHeader(*tag);
  return videoFrame(*tag, dtsUs, out);
}

Status FlvDemuxer::videoSequenceHeader(const VideoTag& tag) {
  auto codec = videoCodecOf(tag);
  if (!codec.ok()) return codec.error();
  if (*codec == MediaCodec::kH264) return avcSequenceHeader(tag.data);
  // VP9 (vpcC) and AV1 (av1C) records: their frames are self-describing, so the record is
  // only the signal that the track has started.
  FlvVideoInfo info;
  info.codec = *codec;
  info.reorders = reorders_;
  video_ = info;
  videoConfig_.clear();
  return {};
}

// ISO/IEC 14496-15 §5.3.3.1 record → Annex B SPS/PPS for `config`, picture size from the SPS.
Status FlvDemuxer::avcSequenceHeader(std::span<const uint8_t> record) {
  auto config = wire::rtmp::AvcConfig::parse(record);
  if (!config.ok()) return config.error();
  if (config->spsCount == 0) return Error::malformed("avc sequence header without an sps");
  FlvVideoInfo info;
  info.codec = MediaCodec::kH264;
  info.profileIdc = config->profile;
  info.constraintFlags = config->profileCompatibility;
  info.reorders = reorders_;
  // A record whose SPS does not parse still decodes in a real decoder: keep it, size 0.
  if (auto sps = H264Sps::parse(config->sps[0]); sps.ok()) {
    info.width = sps->width;
    info.height = sps->height;
    info.frameRate = sps->frameRate;
  }
  videoConfig_.clear();
  for (auto sps : config->spsList()) appendNal(videoConfig_, sps);
  for (auto pps : config->ppsList()) appendNal(videoConfig_, pps);
  nalLengthSize_ = config->nalLengthSize;
  video_ = info;
  return {};
}

Status FlvDemuxer::videoFrame(const VideoTag& tag, int64_t dtsUs, std::vector<MediaFrame>& out) {
  auto codec = videoCodecOf(tag);
  if (!codec.ok()) return codec.error();
  // Frames before (or of another codec than) the sequence header cannot be decoded.
  if (!video_ || video_->codec != *codec) return {};
  MediaFrame frame;
  frame.codec = *codec;
  frame.keyframe = isKeyframe(tag.frameType);
  frame.dtsUs = dtsUs;
  frame.ptsUs = dtsUs + int64_t{tag.compositionTimeMs} * 1000;
  if (*codec == MediaCodec::kH264) {
    RTCGATE_TRY(avcFrame(tag, frame));
    if (frame.data.empty()) return {};  // an empty AVC packet: nothing to decode
  } else {
    if (tag.data.empty()) return {};
    frame.data.assign(tag.data.begin(), tag.data.end());
  }
  if (tag.compositionTimeMs != 0 && !reorders_) {
    reorders_ = true;
    video_->reorders = true;
  }
  out.push_back(std::move(frame));
  return {};
}

// AVCC (lengthSize-prefixed NAL units, ISO/IEC 14496-15 §5.3.4.2) → Annex B.
Status FlvDemuxer::avcFrame(const VideoTag& tag, MediaFrame& frame) const {
  wire::rtmp::AvccIterator it(tag.data, nalLengthSize_);
  std::span<const uint8_t> nal;
  size_t size = 0;
  for (;;) {
    auto more = it.next(nal);
    if (!more.ok()) return more.error();
    if (!*more) break;
    if (!nal.empty()) size += sizeof(kAnnexBStartCode) + nal.size();
  }
  frame.data.reserve(size);
  wire::rtmp::AvccIterator again(tag.data, nalLengthSize_);
  while (again.next(nal).value()) {
    if (!nal.empty()) appendNal(frame.data, nal);
  }
  if (frame.keyframe) frame.config = videoConfig_;
  return {};
}

Status FlvDemuxer::pushAudio(uint32_t timestampMs, std::span<const uint8_t> body, std::vector<MediaFrame>& out) {
  auto tag = AudioTag::parse(body);
  if (!tag.ok()) return tag.error();
  const int64_t dtsUs = unwrapUs(timestampMs);
  if (tag->kind == PacketKind::kOther) return Error::unsupported("audio codec not supported");
  if (tag->kind == PacketKind::kEndOfSequence) return {};
  if (tag->kind == PacketKind::kSequenceHeader) return audioSequenceHeader(*tag);
  auto codec = audioCodecOf(*tag);
  if (!codec.ok()) return codec.error();
  if (!audio_ || audio_->codec != *codec || tag->data.empty()) return {};
  MediaFrame frame;
  frame.codec = *codec;
  frame.keyframe = true;  // every audio access unit decodes on its own
  frame.dtsUs = dtsUs;
  frame.ptsUs = dtsUs;
  frame.data.assign(tag->data.begin(), tag->data.end());
  frame.config = audioConfig_;
  out.push_back(std::move(frame));
  return {};
}

Status FlvDemuxer::audioSequenceHeader(const AudioTag& tag) {
  auto codec = audioCodecOf(tag);
  if (!codec.ok()) return codec.error();
  if (*codec == MediaCodec::kOpus) {
    auto info = parseOpusHead(tag.data);
    if (!info.ok()) return info.error();
    audio_ = *info;
    audioConfig_.clear();
    return {};
  }
  auto config = wire::rtmp::AacConfig::parse(tag.data);
  if (!config.ok()) return config.error();
  audio_ = FlvAudioInfo{MediaCodec::kAac, config->sampleRate, config->channelConfig};
  audioConfig_.assign(tag.data.begin(), tag.data.end());
  return {};
}

}  // namespace rtcgate::media
