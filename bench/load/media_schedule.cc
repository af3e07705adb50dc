#include "media_schedule.h"

#include <algorithm>

#include "media/opus_packetizer.h"

namespace rtcgate::load {

MediaSchedule buildSchedule(const MediaClip& clip, VideoCodec codec) {
  MediaSchedule s;
  s.durationUs = clip.durationUs;
  for (const auto& f : clip.video) {
    auto payloads = packetizeVideo(codec, f.data);
    for (size_t i = 0; i < payloads.size(); ++i) {
      ScheduledPacket p;
      p.offsetUs = f.ptsUs;
      p.rtpOffset = static_cast<uint32_t>(f.ptsUs * 90 / 1000);
      p.frameIndex = s.videoFrames;
      p.video = true;
      p.marker = payloads[i].marker;
      p.keyframeStart = i == 0 && f.keyframe;
      p.inKeyframe = f.keyframe;
      p.payload = std::move(payloads[i].bytes);
      s.videoBytes += p.payload.size();
      s.packets.push_back(std::move(p));
    }
    s.keyframes += f.keyframe ? 1 : 0;
    ++s.videoFrames;
  }
  for (const auto& f : clip.audio) {
    ScheduledPacket p;
    p.offsetUs = f.ptsUs;
    p.rtpOffset = static_cast<uint32_t>(f.ptsUs * 48 / 1000);
    p.payload.resize(kMaxRtpPayload);
    auto r = media::OpusPacketizer::packetize(f.data, p.payload);
    if (!r.ok()) continue;
    p.payload.resize(r->size);
    s.packets.push_back(std::move(p));
  }
  std::stable_sort(s.packets.begin(), s.packets.end(), [](const ScheduledPacket& a, const ScheduledPacket& b) {
    return a.offsetUs != b.offsetUs ? a.offsetUs < b.offsetUs : (a.video && !b.video);
  });
  return s;
}

std::vector<uint64_t> latencyKeys(const MediaSchedule& s) {
  std::vector<uint64_t> keys(s.packets.size(), 0);
  for (size_t i = 0; i < s.packets.size(); ++i) {
    const auto& p = s.packets[i];
    if (p.video && p.payload.size() >= LatencyIndex::kMinPayload) keys[i] = LatencyIndex::key(p.payload);
  }
  return keys;
}

std::vector<bool> keyframePackets(const MediaSchedule& s) {
  std::vector<bool> out(s.packets.size(), false);
  for (size_t i = 0; i < s.packets.size(); ++i) out[i] = s.packets[i].inKeyframe;
  return out;
}

}  // namespace rtcgate::load
