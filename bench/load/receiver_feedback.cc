#include "receiver_feedback.h"

#include <array>

#include "wire/rtcp/compound.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"

namespace rtcgate::load {

namespace rtcp = wire::rtcp;

size_t sendNacks(transport::webrtc::WebRtcTransport& t, uint32_t senderSsrc, SeqTracker& stream, int64_t nowUs) {
  std::array<uint16_t, 128> lost{};
  const size_t n = stream.takeNacks(nowUs, lost);
  if (n == 0) return 0;
  rtcp::ReceiverReport rr;
  rr.senderSsrc = senderSsrc;
  rtcp::Nack nack;
  nack.senderSsrc = senderSsrc;
  nack.mediaSsrc = stream.ssrc();
  if (!nack.setLost(std::span<const uint16_t>(lost.data(), n))) return 0;
  std::array<uint8_t, 1200> buf{};
  rtcp::CompoundBuilder b(buf);
  return b.append(rr) && b.append(nack) && t.sendRtcpCopy(b.data()).ok() ? n : 0;
}

bool sendPli(transport::webrtc::WebRtcTransport& t, uint32_t senderSsrc, uint32_t mediaSsrc) {
  rtcp::ReceiverReport rr;
  rr.senderSsrc = senderSsrc;
  rtcp::Pli pli;
  pli.senderSsrc = senderSsrc;
  pli.mediaSsrc = mediaSsrc;
  std::array<uint8_t, 64> buf{};
  rtcp::CompoundBuilder b(buf);
  return b.append(rr) && b.append(pli) && t.sendRtcpCopy(b.data()).ok();
}

}  // namespace rtcgate::load
