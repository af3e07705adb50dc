#include "transport/rtmp/rtmp_link.h"

#include <algorithm>
#include <array>

#include "wire/rtmp/protocol_control.h"

namespace rtcgate::transport::rtmp {

using wire::rtmp::MessageType;

Result<std::optional<wire::rtmp::Message>> RtmpLink::read(std::span<const uint8_t>& in) {
  const size_t before = in.size();
  auto m = reader_.read(in);
  bytesReceived_ += before - in.size();
  return m;
}

void RtmpLink::sendRaw(std::span<const uint8_t> bytes) {
  bytesSent_ += bytes.size();
  sink_.onLinkSend(bytes);
}

Status RtmpLink::send(const wire::rtmp::MessageHeader& h, std::span<const uint8_t> payload) {
  out_.resize(writer_.maxEncodedSize(payload.size()));
  auto n = writer_.write(h, payload, out_);
  if (!n.ok()) return n.error();
  sendRaw(std::span<const uint8_t>(out_).first(*n));
  return {};
}

void RtmpLink::sendControl(MessageType type, std::span<const uint8_t> payload) {
  (void)send({wire::rtmp::kControlChunkStreamId, 0, static_cast<uint8_t>(type), 0}, payload);
}

void RtmpLink::maybeAcknowledge() {
  if (peerWindow_ == 0 || bytesReceived_ - lastAckAt_ < peerWindow_) return;
  lastAckAt_ = bytesReceived_;
  std::array<uint8_t, 4> p{};
  (void)wire::rtmp::Acknowledgement{static_cast<uint32_t>(bytesReceived_)}.serializeTo(p);
  sendControl(MessageType::kAcknowledgement, p);
  ++acksSent_;
}

Status RtmpLink::onWindowAckSize(std::span<const uint8_t> payload) {
  auto w = wire::rtmp::WindowAckSize::parse(payload);
  if (!w.ok()) return w.error();
  peerWindow_ = w->windowSize == 0 ? 0 : std::max(w->windowSize, kMinPeerWindow);
  return {};
}

Status RtmpLink::onUserControl(std::span<const uint8_t> payload) {
  auto uc = wire::rtmp::UserControl::parse(payload);
  if (!uc.ok()) return uc.error();
  if (uc->event != wire::rtmp::UserControlEvent::kPingRequest) return {};
  // §7.1.7: the response carries the request's timestamp (servers drop silent clients).
  wire::rtmp::UserControl pong{wire::rtmp::UserControlEvent::kPingResponse, uc->value, 0};
  std::array<uint8_t, 10> p{};
  auto n = pong.serializeTo(p);
  if (n.ok()) sendControl(MessageType::kUserControl, std::span(p).first(*n));
  return {};
}

}  // namespace rtcgate::transport::rtmp
