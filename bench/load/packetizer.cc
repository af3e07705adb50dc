#include "packetizer.h"

#include "media/h264_packetizer.h"
#include "media/vp8_packetizer.h"
#include "wire/payload/h264_keyframe.h"
#include "wire/payload/vp8_descriptor.h"

namespace rtcgate::load {
namespace {

template <typename Packetizer>
std::vector<RtpPayload> drain(Packetizer& p, size_t maxPayload) {
  std::vector<RtpPayload> out;
  while (p.hasNext()) {
    RtpPayload payload;
    payload.bytes.resize(maxPayload);
    auto r = p.next(payload.bytes);
    if (!r.ok()) return {};
    payload.bytes.resize(r->size);
    payload.marker = r->marker;
    out.push_back(std::move(payload));
  }
  return out;
}

}  // namespace

std::vector<RtpPayload> packetizeVideo(VideoCodec codec, std::span<const uint8_t> frame, size_t maxPayload) {
  if (codec == VideoCodec::kVp8) {
    media::Vp8Packetizer p(maxPayload);
    p.setFrame(frame, 0);
    return drain(p, maxPayload);
  }
  media::H264Packetizer p(maxPayload);
  if (!p.setFrame(frame).ok()) return {};
  return drain(p, maxPayload);
}

bool isKeyframeStart(VideoCodec codec, std::span<const uint8_t> payload) noexcept {
  if (codec == VideoCodec::kVp8) {
    auto d = wire::payload::Vp8Descriptor::parse(payload);
    return d.ok() && d->keyframeStart;
  }
  auto info = wire::payload::H264PayloadInfo::parse(payload);
  return info.ok() && info->keyframe();
}

}  // namespace rtcgate::load
