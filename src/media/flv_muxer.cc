#include "media/flv_muxer.h"

#include <algorithm>
#include <cstring>

#include "media/annex_b.h"
#include "media/h264_sps.h"
#include "wire/rtmp/aac_config.h"
#include "wire/rtmp/flv_builder.h"
#include "wire/rtmp/flv_tag.h"
#include "wire/rtmp/nal_units.h"

namespace rtcgate::media {
namespace {

constexpr size_t kAvcHeaderSize = 5;  // FLV spec Annex E.4.3.1: flags, AVCPacketType, CompositionTime
constexpr size_t kAacHeaderSize = 2;  // Annex E.4.2.1: flags, AACPacketType
constexpr size_t kAvcConfigOverhead = 11;  // record fields and the two 16-bit lengths
constexpr int64_t kMaxCompositionMs = 0x7FFFFF;  // CompositionTime is a signed 24-bit field

// Floor division, so that times before the base round the same way as those after it.
int64_t floorMs(int64_t us) noexcept {
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

bool sameBytes(std::span<const uint8_t> a, const std::vector<uint8_t>& b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// The first SPS and PPS of an Annex B buffer (either may stay empty).
void findParameterSets(std::span<const uint8_t> annexB, std::span<const uint8_t>& sps,
                       std::span<const uint8_t>& pps) noexcept {
  AnnexBReader reader(annexB);
  std::span<const uint8_t> nal;
  while ((sps.empty() || pps.empty()) && reader.next(nal)) {
    if (nalType(nal[0]) == kNalSps && sps.empty()) sps = nal;
    if (nalType(nal[0]) == kNalPps && pps.empty()) pps = nal;
  }
}

}  // namespace

Status FlvMuxer::push(const MediaFrame& frame, std::vector<FlvTag>& out) {
  if (frame.codec == MediaCodec::kH264) return pushVideo(frame, out);
  if (frame.codec == MediaCodec::kAac) return pushAudio(frame, out);
  return Error::unsupported("FLV muxer takes H.264 and AAC frames only");
}

void FlvMuxer::restart() noexcept {
  // The time base stays: a player reconnecting mid-stream resumes at the stream's clock.
  waitingForKeyframe_ = true;
  avcHeaderSent_ = false;
  aacHeaderSent_ = false;
}

bool FlvMuxer::waitingForKeyframe() const noexcept {
  return waitingForKeyframe_;
}

uint64_t FlvMuxer::framesDropped() const noexcept {
  return framesDropped_;
}

std::optional<FlvVideoInfo> FlvMuxer::video() const noexcept {
  return video_;
}

std::optional<FlvAudioInfo> FlvMuxer::audio() const noexcept {
  return audio_;
}

uint32_t FlvMuxer::flvTime(int64_t us) noexcept {
  if (!haveBase_) {
    haveBase_ = true;
    baseUs_ = us;
  }
  // A new source (an encoder that reconnected, a replaced publisher) starts its own clock:
  // a jump back of over a second, or ahead of over 30 s, continues the output where it was
  // instead, so a player never sees time run backwards or stall.
  const int64_t rel = us - baseUs_;
  if (haveLast_ && (rel < lastRelUs_ - 1'000'000 || rel > lastRelUs_ + 30'000'000)) baseUs_ = us - (lastRelUs_ + 20'000);
  lastRelUs_ = std::max(lastRelUs_, us - baseUs_);
  haveLast_ = true;
  const int64_t ms = floorMs(us - baseUs_);
  // RTMP timestamps are 32-bit milliseconds that wrap (after 49 days), like the stream's.
  return ms <= 0 ? 0 : static_cast<uint32_t>(ms);
}

bool FlvMuxer::takeParameterSets(std::span<const uint8_t> annexB) {
  std::span<const uint8_t> sps;
  std::span<const uint8_t> pps;
  findParameterSets(annexB, sps, pps);
  if (sps.empty() || pps.empty()) return false;
  if (sameBytes(sps, sps_) && sameBytes(pps, pps_)) return true;
  sps_.assign(sps.begin(), sps.end());
  pps_.assign(pps.begin(), pps.end());
  avcHeaderSent_ = false;  // new parameter sets: players need a new sequence header
  FlvVideoInfo info;
  info.codec = MediaCodec::kH264;
  info.profileIdc = sps_.size() > 1 ? sps_[1] : 0;
  info.constraintFlags = sps_.size() > 2 ? sps_[2] : 0;
  if (auto parsed = H264Sps::parse(sps_); parsed.ok()) {
    info.width = parsed->width;
    info.height = parsed->height;
    info.frameRate = parsed->frameRate;
  }
  info.reorders = video_ && video_->reorders;
  video_ = info;
  return true;
}

Status FlvMuxer::emitAvcSequenceHeader(uint32_t timestampMs, std::vector<FlvTag>& out) {
  FlvTag tag;
  tag.video = true;
  tag.keyframe = true;
  tag.timestampMs = timestampMs;
  tag.body.resize(kAvcHeaderSize + kAvcConfigOverhead + sps_.size() + pps_.size());
  auto n = wire::rtmp::writeAvcSequenceHeader(sps_, pps_, tag.body);
  if (!n.ok()) return n.error();
  tag.body.resize(*n);
  out.push_back(std::move(tag));
  avcHeaderSent_ = true;
  return {};
}

Status FlvMuxer::pushVideo(const MediaFrame& frame, std::vector<FlvTag>& out) {
  if (!frame.keyframe && waitingForKeyframe_) {
    ++framesDropped_;
    return {};
  }
  if (frame.keyframe) {
    // In-band parameter sets win over `config`; the last known ones serve otherwise.
    if (!takeParameterSets(frame.data)) (void)takeParameterSets(frame.config);
    if (sps_.empty() || pps_.empty()) {
      ++framesDropped_;
      return Error::state("H.264 keyframe without SPS/PPS");
    }
  }
  uint32_t dtsMs = flvTime(frame.dtsUs);
  // Players (ffmpeg's muxers among them) refuse two video frames with one decode time; a
  // source whose frames come closer than a millisecond, or slightly out of order, is
  // spread one millisecond apart (pts moves with dts: the composition time is kept).
  if (haveVideoMs_ && static_cast<int32_t>(dtsMs - lastVideoMs_) <= 0) dtsMs = lastVideoMs_ + 1;
  haveVideoMs_ = true;
  lastVideoMs_ = dtsMs;
  if (!avcHeaderSent_) {
    if (auto s = emitAvcSequenceHeader(dtsMs, out); !s.ok()) {
      ++framesDropped_;
      return s;
    }
  }
  waitingForKeyframe_ = false;
  const int64_t cts = floorMs(frame.ptsUs - baseUs_) - floorMs(frame.dtsUs - baseUs_);
  if (cts != 0 && video_) video_->reorders = true;
  FlvTag tag;
  tag.video = true;
  tag.keyframe = frame.keyframe;
  tag.timestampMs = dtsMs;
  tag.body.resize(kAvcHeaderSize + wire::rtmp::avccSizeOfAnnexB(frame.data));
  auto n = wire::rtmp::writeAvcFrameFromAnnexB(
      frame.keyframe, static_cast<int32_t>(std::clamp(cts, -kMaxCompositionMs - 1, kMaxCompositionMs)), frame.data,
      tag.body);
  if (!n.ok()) return n.error();
  tag.body.resize(*n);
  out.push_back(std::move(tag));
  return {};
}

Status FlvMuxer::pushAudio(const MediaFrame& frame, std::vector<FlvTag>& out) {
  const bool newConfig = !frame.config.empty() && !sameBytes(frame.config, aacConfig_);
  if (newConfig) {
    auto parsed = wire::rtmp::AacConfig::parse(frame.config);
    if (!parsed.ok()) {
      ++framesDropped_;
      return parsed.error();
    }
    aacConfig_ = frame.config;
    aacHeaderSent_ = false;
    audio_ = FlvAudioInfo{MediaCodec::kAac, parsed->sampleRate, parsed->channelConfig};
  }
  if (aacConfig_.empty()) {
    ++framesDropped_;
    return Error::state("AAC frame without AudioSpecificConfig");
  }
  const uint32_t timestampMs = flvTime(frame.dtsUs);
  if (!aacHeaderSent_) {
    // The config goes out as received rather than re-encoded from AacConfig, so SBR/PS
    // extension signalling after the leading fields reaches the player intact.
    wire::rtmp::AudioTag header;
    header.kind = wire::rtmp::PacketKind::kSequenceHeader;
    header.data = aacConfig_;
    FlvTag tag;
    tag.timestampMs = timestampMs;
    tag.body.resize(header.headerSize() + aacConfig_.size());
    auto n = header.serializeTo(tag.body);
    if (!n.ok()) return n.error();
    out.push_back(std::move(tag));
    aacHeaderSent_ = true;
  }
  FlvTag tag;
  tag.timestampMs = timestampMs;
  tag.body.resize(kAacHeaderSize + frame.data.size());
  auto n = wire::rtmp::writeAacFrame(frame.data, tag.body);
  if (!n.ok()) return n.error();
  out.push_back(std::move(tag));
  return {};
}

}  // namespace rtcgate::media
