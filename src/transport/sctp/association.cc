#include "transport/sctp/association.h"

#include <algorithm>

#include "base/random.h"
#include "wire/sctp/data_chunk.h"
#include "wire/sctp/forward_tsn_chunk.h"
#include "wire/sctp/sack_chunk.h"

namespace rtcgate::transport::sctp {

using wire::sctp::ChunkType;
using wire::sctp::ChunkView;
using wire::sctp::PacketWriter;
using wire::sctp::ReconfigParam;
using wire::sctp::ReconfigResult;

namespace {

constexpr int64_t kDelayedSackUs = 100'000;
constexpr int64_t kResetRetryUs = 200'000;
constexpr uint8_t kAbortT = 0x01;  // the T bit: the tag is the sender's own (RFC 9260 §3.3.7)

uint32_t nonZeroRandom() {
  uint32_t v = 0;
  while (v == 0) v = randomU32();
  return v;
}

}  // namespace

Association::Association(const AssociationConfig& config, AssociationListener& listener)
    : config_(config), listener_(listener), localTag_(nonZeroRandom()), localInitialTsn_(randomU32()) {
  nextReconfigSeq_ = localInitialTsn_;
  randomBytes(cookie_);
}

template <typename F>
void Association::sendControl(uint32_t tag, F&& write) {
  PacketWriter w(buffer_, config_.localPort, config_.remotePort, tag);
  if (!write(w)) return;
  auto bytes = w.seal();
  if (bytes.empty()) return;
  ++stats_.packetsOut;
  listener_.onSctpSend(bytes);
}

wire::sctp::InitChunk Association::ourInit() const {
  wire::sctp::InitChunk init;
  init.initiateTag = localTag_;
  init.advertisedWindow = static_cast<uint32_t>(config_.receiveWindow);
  init.outboundStreams = config_.maxStreams;
  init.inboundStreams = config_.maxStreams;
  init.initialTsn = localInitialTsn_;
  init.forwardTsn = true;
  init.reconfig = true;
  return init;
}

void Association::connect(int64_t nowUs) {
  if (state_ != State::kListening) return;
  connecting_ = true;
  sendInit();
  connectRetryUs_ = nowUs + config_.sender.rtoInitialUs;
}

void Association::sendInit() {
  if (peerCookie_.empty()) {
    const auto init = ourInit();
    sendControl(0, [&](PacketWriter& w) { return init.writeTo(w, ChunkType::kInit); });
    return;
  }
  sendControl(peerTag_, [&](PacketWriter& w) {
    return w.beginChunk(ChunkType::kCookieEcho, 0) && w.writer().writeBytes(peerCookie_) && w.endChunk();
  });
}

void Association::onInitAck(const ChunkView& c, int64_t nowUs) {
  if (!connecting_ || state_ != State::kListening || !peerCookie_.empty()) return;
  auto ack = wire::sctp::InitChunk::parse(c.value);
  if (!ack.ok() || ack->cookie.empty() || ack->cookie.size() > 1024) {
    ++stats_.dropped;
    return;
  }
  peerInit_ = *ack;
  peerTag_ = ack->initiateTag;
  peerCookie_.assign(ack->cookie.begin(), ack->cookie.end());
  sendInit();
  connectRetryUs_ = nowUs + config_.sender.rtoInitialUs;
}

void Association::establish(const wire::sctp::InitChunk& peer) {
  peerTag_ = peer.initiateTag;
  receive_ = std::make_unique<ReceiveBuffer>(peer.initialTsn, config_.receiveWindow, config_.maxMessageSize);
  sender_ = std::make_unique<Sender>(config_.sender, localInitialTsn_, peer.advertisedWindow, peer.forwardTsn);
  peerNextReconfigSeq_ = peer.initialTsn;
  state_ = State::kEstablished;
  connecting_ = false;
  connectRetryUs_.reset();
}

void Association::onPacket(std::span<const uint8_t> packet, int64_t nowUs) {
  if (state_ == State::kClosed) return;
  auto parsed = wire::sctp::PacketView::parse(packet);
  if (!parsed.ok()) {
    ++stats_.dropped;
    return;
  }
  const auto& p = *parsed;
  if (p.sourcePort != config_.remotePort || p.destinationPort != config_.localPort) {
    ++stats_.dropped;
    return;
  }
  ++stats_.packetsIn;
  bool stop = false;
  for (const ChunkView& c : p.items()) {
    handleChunk(c, p.verificationTag, nowUs, stop);
    if (stop || state_ == State::kClosed) return;
  }
  if (receive_) {
    receive_->deliver([&](ReceivedMessage&& m) {
      ++stats_.messagesIn;
      stats_.bytesIn += m.payload.size();
      listener_.onSctpMessage(m.streamId, m.ppid, std::move(m.payload));
    });
  }
  if (state_ == State::kEstablished) flush(nowUs);
}

void Association::handleChunk(const ChunkView& c, uint32_t tag, int64_t nowUs, bool& stop) {
  const auto type = static_cast<ChunkType>(c.type);
  // RFC 9260 §8.5: an INIT carries tag 0; an ABORT or SHUTDOWN COMPLETE with the T bit the
  // peer's own tag; everything else our tag.
  if (type == ChunkType::kInit) {
    if (tag != 0) {
      ++stats_.dropped;
      stop = true;
      return;
    }
    onInit(c);
    stop = true;  // RFC 9260 §6.10: INIT is never bundled
    return;
  }
  const bool reflected = (type == ChunkType::kAbort || type == ChunkType::kShutdownComplete) && (c.flags & kAbortT);
  if (tag != (reflected ? peerTag_ : localTag_)) {
    ++stats_.dropped;
    stop = true;
    return;
  }
  if (type == ChunkType::kCookieEcho) return onCookieEcho(c);
  if (type == ChunkType::kInitAck) return onInitAck(c, nowUs);
  if (type == ChunkType::kCookieAck) {
    if (connecting_ && state_ == State::kListening && peerInit_) {
      establish(*peerInit_);
      listener_.onSctpEstablished();
    }
    return;
  }
  if (type == ChunkType::kAbort) return close("the peer aborted the SCTP association");
  if (state_ != State::kEstablished) return;  // nothing else before the cookie
  switch (type) {
    case ChunkType::kData: onData(c); break;
    case ChunkType::kSack:
      if (auto sack = wire::sctp::SackChunk::parse(c.value); sack.ok()) sender_->onSack(*sack, nowUs);
      else ++stats_.dropped;
      break;
    case ChunkType::kForwardTsn:
      if (auto f = wire::sctp::ForwardTsnChunk::parse(c.value); f.ok()) {
        receive_->forwardTsn(*f);
        sackDue_ = true;
      } else {
        ++stats_.dropped;
      }
      break;
    case ChunkType::kHeartbeat:
      // RFC 9260 §8.3: the heartbeat information goes back as it came.
      sendControl(peerTag_, [&](PacketWriter& w) {
        return w.beginChunk(ChunkType::kHeartbeatAck, 0) && w.writer().writeBytes(c.value) && w.endChunk();
      });
      break;
    case ChunkType::kReconfig: onReconfig(c, nowUs); break;
    case ChunkType::kShutdown:
      sendControl(peerTag_, [](PacketWriter& w) { return w.beginChunk(ChunkType::kShutdownAck, 0) && w.endChunk(); });
      break;
    case ChunkType::kShutdownAck:
      sendControl(peerTag_, [](PacketWriter& w) { return w.beginChunk(ChunkType::kShutdownComplete, 0) && w.endChunk(); });
      close("the peer shut the SCTP association down");
      break;
    case ChunkType::kShutdownComplete: close("the peer shut the SCTP association down"); break;
    case ChunkType::kCookieAck:
    case ChunkType::kHeartbeatAck:
    case ChunkType::kError:
    case ChunkType::kInitAck: break;
    default:
      // RFC 9260 §3.2: the two high bits of an unknown type say whether to go on.
      if ((c.type & 0x80) == 0) stop = true;
      break;
  }
}

void Association::onInit(const ChunkView& c) {
  auto init = wire::sctp::InitChunk::parse(c.value);
  if (!init.ok()) {
    ++stats_.dropped;
    return;
  }
  // Both sides sent INIT (RFC 9260 §5.2.1): we answer and stop being the active side.
  connecting_ = false;
  connectRetryUs_.reset();
  peerCookie_.clear();
  if (state_ == State::kListening) peerInit_ = *init;
  // Established: a repeated INIT (our INIT ACK was lost, or the peer restarts) is answered
  // with the same tags; a restart's COOKIE ECHO is then refused by its tag.
  wire::sctp::InitChunk ack = ourInit();
  ack.outboundStreams = std::min(config_.maxStreams, init->inboundStreams);
  ack.cookie = cookie_;
  sendControl(init->initiateTag, [&](PacketWriter& w) { return ack.writeTo(w, ChunkType::kInitAck); });
}

void Association::onCookieEcho(const ChunkView& c) {
  if (c.value.size() != cookie_.size() || !std::equal(c.value.begin(), c.value.end(), cookie_.begin())) {
    ++stats_.dropped;
    return;
  }
  if (state_ == State::kListening) {
    if (!peerInit_) return;
    establish(*peerInit_);
    sendControl(peerTag_, [](PacketWriter& w) { return w.beginChunk(ChunkType::kCookieAck, 0) && w.endChunk(); });
    listener_.onSctpEstablished();
    return;
  }
  // A repeated COOKIE ECHO: our COOKIE ACK was lost.
  sendControl(peerTag_, [](PacketWriter& w) { return w.beginChunk(ChunkType::kCookieAck, 0) && w.endChunk(); });
}

void Association::onData(const ChunkView& c) {
  auto d = wire::sctp::DataChunk::parse(c);
  if (!d.ok()) {
    ++stats_.dropped;
    return;
  }
  auto added = receive_->add(*d);
  if (!added.ok()) {
    abort(added.error().message);
    return;
  }
  ++dataPacketsUnacked_;
  // RFC 9260 §6.2: acknowledge at once what is out of order or duplicated, every second
  // packet otherwise, and within the delayed-ack time at the latest.
  if (*added != ReceiveBuffer::Added::kNew || receive_->hasGaps() || dataPacketsUnacked_ >= 2 ||
      (d->flags & wire::sctp::DataChunk::kImmediate))
    sackDue_ = true;
  if (*added == ReceiveBuffer::Added::kNoRoom) ++stats_.dropped;
}

void Association::onReconfig(const ChunkView& c, int64_t nowUs) {
  auto chunk = wire::sctp::ReconfigChunk::parse(c.value);
  if (!chunk.ok()) {
    ++stats_.dropped;
    return;
  }
  wire::sctp::ReconfigChunk answer;
  for (const ReconfigParam& p : chunk->items()) {
    switch (p.type) {
      case ReconfigParam::kOutgoingReset: onOutgoingReset(p, answer); break;
      case ReconfigParam::kResponse: onReconfigResponse(p, nowUs); break;
      default: {
        // Requests we do not carry out (incoming reset, SSN/TSN reset, add streams).
        if (answer.paramCount == answer.params.size()) break;
        ReconfigParam& r = answer.params[answer.paramCount++];
        r.type = ReconfigParam::kResponse;
        r.requestSeq = p.requestSeq;
        r.result = ReconfigResult::kDenied;
        break;
      }
    }
  }
  if (answer.paramCount) sendControl(peerTag_, [&](PacketWriter& w) { return answer.writeTo(w); });
}

void Association::onOutgoingReset(const ReconfigParam& p, wire::sctp::ReconfigChunk& answer) {
  if (answer.paramCount == answer.params.size()) return;
  ReconfigParam& r = answer.params[answer.paramCount++];
  r.type = ReconfigParam::kResponse;
  r.requestSeq = p.requestSeq;
  if (p.requestSeq == peerNextReconfigSeq_ - 1) {
    r.result = lastPeerResetResult_;  // a retransmission of the last one
    return;
  }
  if (p.requestSeq != peerNextReconfigSeq_) {
    r.result = ReconfigResult::kBadSequenceNumber;
    return;
  }
  // RFC 6525 §5.2.2: carried out once everything up to the sender's last TSN arrived;
  // until then "in progress" (the peer asks again).
  if (!tsnLessEq(p.lastTsn, receive_->cumulativeTsn())) {
    r.result = ReconfigResult::kInProgress;
    return;
  }
  ++peerNextReconfigSeq_;
  receive_->resetStreams(p.streamIds());
  r.result = lastPeerResetResult_ = ReconfigResult::kPerformed;
  if (!p.streamIds().empty()) listener_.onSctpStreamsReset(p.streamIds());
}

void Association::onReconfigResponse(const ReconfigParam& p, int64_t nowUs) {
  if (!resetInFlight_ || p.requestSeq != resetInFlight_->requestSeq) return;
  if (p.result == ReconfigResult::kInProgress) {
    resetRetryUs_ = nowUs + kResetRetryUs;
    return;
  }
  if (p.result == ReconfigResult::kPerformed || p.result == ReconfigResult::kNothingToDo)
    sender_->resetStreams({resetInFlight_->streams.begin(), resetInFlight_->streams.begin() + resetInFlight_->streamCount});
  resetInFlight_.reset();
  resetRetryUs_.reset();
  ++nextReconfigSeq_;
  if (!resetQueue_.empty()) sendReconfigRequest(nowUs);
}

void Association::resetStream(uint16_t stream, int64_t nowUs, bool discard) {
  if (state_ != State::kEstablished) return;
  if (discard) sender_->discardStream(stream);
  if (std::find(resetQueue_.begin(), resetQueue_.end(), stream) == resetQueue_.end()) resetQueue_.push_back(stream);
  if (!resetInFlight_) sendReconfigRequest(nowUs);
  flush(nowUs);
}

void Association::sendReconfigRequest(int64_t nowUs) {
  // A stream with messages still to be chunked is reset after them: they carry its old
  // sequence numbers.
  if (!resetInFlight_ && std::any_of(resetQueue_.begin(), resetQueue_.end(),
                                     [&](uint16_t s) { return sender_->hasQueued(s); })) {
    resetRetryUs_ = nowUs + kResetRetryUs;
    return;
  }
  if (!resetInFlight_) {
    ReconfigParam p;
    p.type = ReconfigParam::kOutgoingReset;
    p.requestSeq = nextReconfigSeq_;
    p.responseSeq = peerNextReconfigSeq_ - 1;
    while (!resetQueue_.empty() && p.streamCount < p.streams.size()) {
      p.streams[p.streamCount++] = resetQueue_.back();
      resetQueue_.pop_back();
    }
    resetInFlight_ = p;
  }
  // The request names the last TSN sent so far (RFC 6525 §4.1): queued messages of the
  // stream still go out first, they are ahead of it.
  resetInFlight_->lastTsn = sender_->lastAssignedTsn();
  // A peer that answers "in progress" may wait for a FORWARD TSN that was lost: it goes
  // again with each request.
  sender_->repeatForwardTsn();
  wire::sctp::ReconfigChunk chunk;
  chunk.params[0] = *resetInFlight_;
  chunk.paramCount = 1;
  sendControl(peerTag_, [&](PacketWriter& w) { return chunk.writeTo(w); });
  resetRetryUs_ = nowUs + std::max<int64_t>(kResetRetryUs, config_.sender.rtoInitialUs);
}

Status Association::send(uint16_t stream, uint32_t ppid, MessageBytes bytes, const SendOptions& options, int64_t nowUs) {
  if (state_ != State::kEstablished) return Error::state("SCTP association not established");
  RTCGATE_TRY(sender_->enqueue(stream, ppid, std::move(bytes), options, nowUs));
  ++stats_.messagesOut;
  flush(nowUs);
  return {};
}

void Association::flush(int64_t nowUs) {
  if (sackDue_) {
    sackDue_ = false;
    dataPacketsUnacked_ = 0;
    sackDeadlineUs_.reset();
    PacketWriter w(buffer_, config_.localPort, config_.remotePort, peerTag_);
    (void)receive_->sack().writeTo(w);
    sender_->fill(w, nowUs);
    if (auto bytes = w.seal(); !bytes.empty()) {
      ++stats_.packetsOut;
      stats_.bytesOut += bytes.size();
      listener_.onSctpSend(bytes);
    }
  } else if (dataPacketsUnacked_ > 0 && !sackDeadlineUs_) {
    sackDeadlineUs_ = nowUs + kDelayedSackUs;
  }
  // As many packets as the windows allow.
  for (int i = 0; i < 256 && sender_->wantsToSend(); ++i) {
    PacketWriter w(buffer_, config_.localPort, config_.remotePort, peerTag_);
    if (!sender_->fill(w, nowUs)) break;
    auto bytes = w.seal();
    if (bytes.empty()) break;
    ++stats_.packetsOut;
    stats_.bytesOut += bytes.size();
    listener_.onSctpSend(bytes);
  }
}

std::optional<int64_t> Association::nextTimeoutUs() const noexcept {
  if (state_ == State::kListening) return connectRetryUs_;
  if (state_ != State::kEstablished) return std::nullopt;
  std::optional<int64_t> next = sender_->nextTimeoutUs();
  for (const auto& t : {sackDeadlineUs_, resetRetryUs_})
    if (t && (!next || *t < *next)) next = t;
  return next;
}

void Association::onTimer(int64_t nowUs) {
  if (state_ == State::kListening && connectRetryUs_ && nowUs >= *connectRetryUs_) {
    sendInit();
    connectRetryUs_ = nowUs + config_.sender.rtoInitialUs;
    return;
  }
  if (state_ != State::kEstablished) return;
  if (sackDeadlineUs_ && nowUs >= *sackDeadlineUs_) sackDue_ = true;
  if (resetRetryUs_ && nowUs >= *resetRetryUs_ && (resetInFlight_ || !resetQueue_.empty())) {
    resetRetryUs_.reset();
    sendReconfigRequest(nowUs);
  }
  if (sender_->onTimer(nowUs)) return abort("the peer stopped acknowledging SCTP data");
  flush(nowUs);
}

void Association::abort(std::string_view reason) {
  if (state_ == State::kEstablished) {
    sendControl(peerTag_, [](PacketWriter& w) { return w.beginChunk(ChunkType::kAbort, 0) && w.endChunk(); });
  }
  close(reason);
}

void Association::close(std::string_view reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  reason_ = reason;
  listener_.onSctpClosed(reason_);
}

}  // namespace rtcgate::transport::sctp
