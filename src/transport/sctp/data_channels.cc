#include "transport/sctp/data_channels.h"

namespace rtcgate::transport::sctp {

using wire::sctp::ChannelReliability;
using wire::sctp::DcepOpen;
using wire::sctp::DcepType;
using wire::sctp::Ppid;

namespace {

constexpr uint16_t kMaxChannelId = 65534;  // 65535 is reserved (RFC 8832 §6)

MessageBytes bytesOf(std::vector<uint8_t> v) { return std::make_shared<const std::vector<uint8_t>>(std::move(v)); }

}  // namespace

DataChannels::DataChannels(const DataChannelsConfig& config, DataChannelsListener& listener)
    : config_(config), listener_(listener), sctp_(config.sctp, *this), nextId_(config.evenIds ? 0 : 1) {}

SendOptions DataChannels::optionsOf(const DataChannelInfo& c) const {
  SendOptions o;
  // Until the peer acknowledged our OPEN, messages go ordered behind it (RFC 8832 §6).
  o.ordered = c.reliability.ordered() || !c.acked;
  if (c.reliability.limitedRetransmits()) o.maxRetransmits = static_cast<uint16_t>(std::min<uint32_t>(c.reliability.parameter, 0xFFFF));
  if (c.reliability.limitedLifetime()) o.lifetimeMs = c.reliability.parameter;
  return o;
}

Result<uint16_t> DataChannels::open(std::string_view label, std::string_view protocol,
                                    const ChannelReliability& reliability, int64_t nowUs) {
  if (!ready()) return Error::state("data channels are not connected");
  if (channels_.size() >= config_.maxChannels) return Error::noSpace("too many data channels");
  if (label.size() > DcepOpen::kMaxLabel || protocol.size() > DcepOpen::kMaxLabel)
    return Error::malformed("data channel label too long");
  while (nextId_ <= kMaxChannelId && channels_.count(nextId_)) nextId_ += 2;
  if (nextId_ > kMaxChannelId) return Error::noSpace("no data channel id left");
  const uint16_t id = nextId_;
  nextId_ += 2;
  DcepOpen open;
  open.reliability = reliability;
  open.label = label;
  open.protocol = protocol;
  DataChannelInfo info{id, std::string(label), std::string(protocol), reliability, true, false, false};
  RTCGATE_TRY(sctp_.send(id, static_cast<uint32_t>(Ppid::kDcep), bytesOf(open.serialize()), SendOptions{}, nowUs));
  channels_.emplace(id, std::move(info));
  return id;
}

Status DataChannels::send(uint16_t id, bool binary, MessageBytes bytes, int64_t nowUs) {
  auto it = channels_.find(id);
  if (it == channels_.end() || it->second.closing) return Error::state("no such data channel");
  DataChannelInfo& c = it->second;
  if (bytes && config_.remoteMaxMessageSize && bytes->size() > config_.remoteMaxMessageSize)
    return Error::noSpace("message larger than the peer's max-message-size");
  const bool empty = !bytes || bytes->empty();
  if (empty) {
    static const MessageBytes kOneZero = bytesOf({0});
    bytes = kOneZero;
  }
  const auto ppid = static_cast<uint32_t>(binary ? (empty ? Ppid::kBinaryEmpty : Ppid::kBinary)
                                                 : (empty ? Ppid::kStringEmpty : Ppid::kString));
  const bool reliable = !c.reliability.limitedRetransmits() && !c.reliability.limitedLifetime();
  if (sctp_.bufferedBytes(id) + bytes->size() > config_.maxBufferedPerChannel) {
    if (!reliable) {
      ++stats_.droppedOut;
      return {};
    }
    ++stats_.overflowClosed;
    closeChannel(id, nowUs, "the receiver is too slow: its channel's send buffer overflowed",
                 ChannelCloseCause::kOverflow);
    return Error::noSpace("data channel send buffer overflowed");
  }
  if (auto st = sctp_.send(id, ppid, std::move(bytes), optionsOf(c), nowUs); !st.ok()) {
    if (!reliable) {
      ++stats_.droppedOut;
      return {};
    }
    return st;
  }
  ++stats_.messagesOut;
  return {};
}

void DataChannels::close(uint16_t id, int64_t nowUs, std::string_view reason) {
  closeChannel(id, nowUs, reason, ChannelCloseCause::kByUs);
}

void DataChannels::closeChannel(uint16_t id, int64_t nowUs, std::string_view reason, ChannelCloseCause cause) {
  auto it = channels_.find(id);
  if (it == channels_.end() || it->second.closing) return;
  it->second.closing = true;
  it->second.closeCause = cause;
  // Our side ends now for the application; the stream is reset and the channel forgotten
  // when the peer resets its side (RFC 8831 §6.7).
  // An overflowed channel's queue is dropped: the slow peer is not owed it.
  sctp_.resetStream(id, nowUs, cause == ChannelCloseCause::kOverflow);
  listener_.onDataChannelClosed(it->second, reason);
}

const DataChannelInfo* DataChannels::find(uint16_t id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : &it->second;
}

const DataChannelInfo* DataChannels::findByLabel(std::string_view label) const {
  for (const auto& [id, c] : channels_)
    if (c.label == label && !c.closing) return &c;
  return nullptr;
}

void DataChannels::onSctpMessage(uint16_t stream, uint32_t ppid, std::vector<uint8_t>&& payload) {
  if (ppid == static_cast<uint32_t>(Ppid::kDcep)) return onDcep(stream, payload);
  auto it = channels_.find(stream);
  if (it == channels_.end() || it->second.closing) return;  // a channel never opened, or closing
  bool binary = true;
  switch (static_cast<Ppid>(ppid)) {
    case Ppid::kString:
    case Ppid::kStringPartial: binary = false; break;
    case Ppid::kStringEmpty: binary = false; payload.clear(); break;
    case Ppid::kBinaryEmpty: payload.clear(); break;
    case Ppid::kBinary:
    case Ppid::kBinaryPartial: break;
    default: return;  // not a data channel message
  }
  // The peer sending on a channel of ours is its acknowledgement too (RFC 8832 §6).
  it->second.acked = true;
  ++stats_.messagesIn;
  listener_.onDataChannelMessage(it->second, binary, std::move(payload));
}

void DataChannels::onDcep(uint16_t stream, std::span<const uint8_t> message) {
  auto type = wire::sctp::dcepTypeOf(message);
  if (!type.ok()) return;
  if (*type == DcepType::kAck) {
    if (auto it = channels_.find(stream); it != channels_.end()) it->second.acked = true;
    return;
  }
  auto open = DcepOpen::parse(message);
  const bool oursParity = (stream % 2 == 0) == config_.evenIds;
  if (!open.ok() || oursParity || stream > kMaxChannelId || channels_.count(stream) ||
      channels_.size() >= config_.maxChannels) {
    // Refused: the stream is reset, which the peer sees as the channel closing.
    ++stats_.refusedChannels;
    sctp_.resetStream(stream, nowUs_);
    return;
  }
  DataChannelInfo info{stream, std::string(open->label), std::string(open->protocol), open->reliability, false, true, false};
  static const MessageBytes kAck = bytesOf({static_cast<uint8_t>(DcepType::kAck)});
  (void)sctp_.send(stream, static_cast<uint32_t>(Ppid::kDcep), kAck, SendOptions{}, nowUs_);
  auto [it, inserted] = channels_.emplace(stream, std::move(info));
  listener_.onDataChannelOpen(it->second);
}

void DataChannels::onSctpStreamsReset(std::span<const uint16_t> streams) {
  for (uint16_t id : streams) {
    auto it = channels_.find(id);
    if (it == channels_.end()) continue;
    if (!it->second.closing) {
      // The peer closed it: our side is reset in turn.
      it->second.closing = true;
      it->second.closeCause = ChannelCloseCause::kByPeer;
      sctp_.resetStream(id, nowUs_);
      listener_.onDataChannelClosed(it->second, "closed by the peer");
    }
    channels_.erase(it);
  }
}

void DataChannels::onSctpClosed(std::string_view reason) {
  channels_.clear();
  listener_.onDataChannelsEnded(reason);
}

}  // namespace rtcgate::transport::sctp
