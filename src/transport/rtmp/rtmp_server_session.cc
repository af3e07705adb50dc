#include "transport/rtmp/rtmp_server_session.h"

#include <algorithm>
#include <array>
#include <utility>

#include "wire/rtmp/protocol_control.h"

namespace rtcgate::transport::rtmp {
namespace {

using wire::rtmp::Amf0Value;
using wire::rtmp::Command;
using wire::rtmp::MessageHeader;
using wire::rtmp::MessageType;

// Chunk stream ids as FMS/nginx-rtmp lay them out; players do not depend on them.

// "live/", "live?token=x" → "live": ffmpeg and OBS append these to the app in tcUrl forms.
std::string_view normalizeApp(std::string_view app) noexcept {
  app = app.substr(0, app.find('?'));
  while (!app.empty() && app.back() == '/') app.remove_suffix(1);
  return app;
}

}  // namespace

RtmpServerSession::RtmpServerSession(RtmpServerConfig config, RtmpServerSessionListener& listener,
                                     uint32_t epochMs, std::span<const uint8_t> random)
    : config_(std::move(config)),
      listener_(listener),
      handshake_(wire::rtmp::Handshake::Role::kServer, epochMs, random),
      link_(config_.readerLimits, *this) {}

void RtmpServerSession::onBytes(std::span<const uint8_t> bytes) {
  if (state_ == RtmpSessionState::kHandshake) feedHandshake(bytes);
  if (state_ != RtmpSessionState::kHandshake && state_ != RtmpSessionState::kClosed && !bytes.empty()) {
    feedChunks(bytes);
  }
}

// The handshake holds at most C0+C1+C2 itself (fixed buffers) and consumes nothing
// beyond them, so a peer cannot make us buffer more before it completes.
void RtmpServerSession::feedHandshake(std::span<const uint8_t>& bytes) {
  auto used = handshake_.feed(bytes);
  if (!used.ok()) return fail(std::string("handshake failed: ") + used.error().message);
  link_.countReceived(*used);
  bytes = bytes.subspan(*used);
  const auto out = handshake_.output();
  if (!out.empty()) {
    const size_t n = out.size();
    link_.sendRaw(out);
    handshake_.consumeOutput(n);
  }
  if (handshake_.done()) state_ = RtmpSessionState::kAwaitingConnect;
}

void RtmpServerSession::feedChunks(std::span<const uint8_t> bytes) {
  while (!bytes.empty() && state_ != RtmpSessionState::kClosed) {
    auto m = link_.read(bytes);
    if (!m.ok()) {
      const std::string why = m.error().message;
      return fail(messagesRead_ == 0 ? "garbage after handshake (" + why + ")" : why);
    }
    if (*m) {
      ++messagesRead_;
      onMessage(**m);
    }
    if (state_ != RtmpSessionState::kClosed) link_.maybeAcknowledge();
  }
}

void RtmpServerSession::onEof() {
  if (state_ == RtmpSessionState::kClosed) return;
  if (state_ == RtmpSessionState::kHandshake) return fail("connection closed during handshake");
  fail(link_.midMessage() ? "connection closed in the middle of a message (truncated)" : "connection closed by peer");
}

void RtmpServerSession::close(std::string_view reason) {
  if (state_ != RtmpSessionState::kClosed) fail(std::string(reason));
}

void RtmpServerSession::fail(std::string reason) {
  if (state_ == RtmpSessionState::kClosed) return;
  state_ = RtmpSessionState::kClosed;
  closeReason_ = std::move(reason);
  listener_.onRtmpClosed(closeReason_);
}

void RtmpServerSession::onMessage(const wire::rtmp::Message& m) {
  switch (m.type()) {
    case MessageType::kSetChunkSize:
    case MessageType::kAbort:
      return;  // the chunk reader already applied them
    case MessageType::kAcknowledgement:
    case MessageType::kSetPeerBandwidth:
      return;  // we do not throttle our output by the peer's window
    case MessageType::kUserControl:
    case MessageType::kWindowAckSize:
      return onControl(m);
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3: {
      auto c = Command::fromMessage(m);
      if (!c.ok()) return fail(std::string("bad command: ") + c.error().message);
      return onCommand(*c);
    }
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      return onData(m);
    case MessageType::kAudio:
    case MessageType::kVideo:
      return onMedia(m);
    default:
      ++ignoredMessages_;  // shared objects, aggregates: not used by OBS/ffmpeg publishers
      return;
  }
}

void RtmpServerSession::onControl(const wire::rtmp::Message& m) {
  if (m.type() == MessageType::kWindowAckSize) {
    if (auto st = link_.onWindowAckSize(m.payload); !st.ok())
      fail(std::string("bad window ack size: ") + st.error().message);
    return;
  }
  if (auto st = link_.onUserControl(m.payload); !st.ok()) fail(std::string("bad user control: ") + st.error().message);
}

void RtmpServerSession::onCommand(const Command& c) {
  const std::string_view name = c.name;
  if (state_ == RtmpSessionState::kAwaitingConnect) {
    if (name == "connect") return onConnect(c);
    return fail("'" + c.name + "' before connect");
  }
  if (name == "connect") return fail("second connect");
  if (name == "releaseStream" || name == "FCPublish") {
    sendCommand(wire::rtmp::buildSimpleResult(c.transactionId), 0);
    if (name == "FCPublish") {
      // nginx-rtmp and FMS announce onFCPublish; some encoders wait for it.
      Command fc{"onFCPublish", 0, Amf0Value::null(), {}};
      fc.args.push_back(Amf0Value::object()
                            .set("code", Amf0Value::string("NetStream.Publish.Start"))
                            .set("description", Amf0Value::string(c.stringArg(0))));
      sendCommand(fc.serialize(), 0);
    }
    return;
  }
  if (name == "createStream") return sendCommand(wire::rtmp::buildCreateStreamResult(c.transactionId, kStreamId), 0);
  if (name == "publish") return onPublish(c);
  if (name == "play") return onPlay(c);
  if (name == "deleteStream" || name == "FCUnpublish" || name == "closeStream") {
    endedByPeer_ = true;
    return fail("client sent " + c.name);
  }
  if (++unknownCommands_ > config_.maxUnknownCommands) fail("too many unknown commands");
}

void RtmpServerSession::onConnect(const Command& c) {
  const Amf0Value* appValue = c.commandObject.find("app");
  const std::string_view app = normalizeApp(appValue ? appValue->asString() : std::string_view());
  if (std::find(config_.apps.begin(), config_.apps.end(), app) == config_.apps.end()) {
    sendCommand(wire::rtmp::buildSimpleResult(c.transactionId, true), 0);
    return fail("unknown app '" + std::string(app) + "'");
  }
  app_ = std::string(app);
  std::array<uint8_t, 5> p{};
  (void)wire::rtmp::WindowAckSize{config_.windowAckSize}.serializeTo(p);
  link_.sendControl(MessageType::kWindowAckSize, std::span(p).first(4));
  (void)wire::rtmp::SetPeerBandwidth{config_.peerBandwidth, wire::rtmp::SetPeerBandwidth::LimitType::kDynamic}
      .serializeTo(p);
  link_.sendControl(MessageType::kSetPeerBandwidth, p);
  // §5.4.1: the Set Chunk Size message itself still goes out in the old size.
  (void)wire::rtmp::SetChunkSize{config_.outChunkSize}.serializeTo(p);
  link_.sendControl(MessageType::kSetChunkSize, std::span(p).first(4));
  (void)link_.setOutChunkSize(config_.outChunkSize);
  const Amf0Value* enc = c.commandObject.find("objectEncoding");
  sendCommand(wire::rtmp::buildConnectResult(c.transactionId, enc ? enc->asNumber() : 0), 0);
  state_ = RtmpSessionState::kConnected;
}

void RtmpServerSession::onPublish(const Command& c) {
  if (state_ != RtmpSessionState::kConnected) return fail("publish in state other than connected");
  streamKey_ = std::string(c.stringArg(0));
  if (streamKey_.empty()) return answerPublish(false);
  const RtmpDecision d = listener_.onRtmpPublish(app_, streamKey_);
  if (state_ != RtmpSessionState::kConnected) return;  // closed from inside the callback
  if (d == RtmpDecision::kPending) {
    state_ = RtmpSessionState::kDeciding;
    decidingPlay_ = false;
    return;
  }
  answerPublish(d == RtmpDecision::kAccept);
}

void RtmpServerSession::onPlay(const Command& c) {
  if (state_ != RtmpSessionState::kConnected) return fail("play in state other than connected");
  streamKey_ = std::string(c.stringArg(0));
  if (streamKey_.empty()) return answerPlay(false);
  const RtmpDecision d = listener_.onRtmpPlay(app_, streamKey_);
  if (state_ != RtmpSessionState::kConnected) return;
  if (d == RtmpDecision::kPending) {
    state_ = RtmpSessionState::kDeciding;
    decidingPlay_ = true;
    return;
  }
  answerPlay(d == RtmpDecision::kAccept);
}

void RtmpServerSession::decide(RtmpDecision decision) {
  if (state_ != RtmpSessionState::kDeciding || decision == RtmpDecision::kPending) return;
  const bool accepted = decision == RtmpDecision::kAccept;
  if (decidingPlay_) answerPlay(accepted);
  else answerPublish(accepted);
}

void RtmpServerSession::answerPublish(bool accepted) {
  if (accepted) {
    state_ = RtmpSessionState::kPublishing;
    sendCommand(wire::rtmp::buildOnStatus(wire::rtmp::StreamStatus::kPublishStart, "Start publishing", streamKey_),
                kStreamId);
    return;
  }
  sendCommand(wire::rtmp::buildOnStatus(wire::rtmp::StreamStatus::kPublishBadName, "Stream key rejected",
                                        streamKey_),
              kStreamId);
  fail("publish rejected for '" + streamKey_ + "'");
}

void RtmpServerSession::answerPlay(bool accepted) {
  if (!accepted) {
    sendCommand(wire::rtmp::buildOnStatus(wire::rtmp::StreamStatus::kPlayStreamNotFound, "No such stream",
                                          streamKey_),
                kStreamId);
    return fail("play rejected for '" + streamKey_ + "'");
  }
  state_ = RtmpSessionState::kPlaying;
  // §7.1.7 Stream Begin tells the player media on stream 1 starts now.
  std::array<uint8_t, 10> p{};
  wire::rtmp::UserControl begin{wire::rtmp::UserControlEvent::kStreamBegin, kStreamId, 0};
  auto n = begin.serializeTo(p);
  if (n.ok()) link_.sendControl(MessageType::kUserControl, std::span(p).first(*n));
  sendCommand(wire::rtmp::buildOnStatus(wire::rtmp::StreamStatus::kPlayReset, "Playing and resetting", streamKey_),
              kStreamId);
  sendCommand(wire::rtmp::buildOnStatus(wire::rtmp::StreamStatus::kPlayStart, "Started playing", streamKey_),
              kStreamId);
  const auto access = wire::rtmp::buildSampleAccess();
  (void)link_.send({kDataCsid, 0, static_cast<uint8_t>(MessageType::kDataAmf0), kStreamId}, access);
}

void RtmpServerSession::onData(const wire::rtmp::Message& m) {
  if (state_ != RtmpSessionState::kPublishing) {
    ++ignoredMessages_;
    return;
  }
  auto d = wire::rtmp::DataMessage::fromMessage(m);
  if (!d.ok()) return fail(std::string("bad data message: ") + d.error().message);
  if (const Amf0Value* meta = d->metadata()) {
    listener_.onRtmpMetadata(*meta);
  } else if (!d->name.empty() && d->name.front() != '|') {  // "|RtmpSampleAccess" is no data
    listener_.onRtmpTimedData(m.header.timestamp, *d);
  } else {
    ++ignoredMessages_;
  }
}

void RtmpServerSession::onMedia(const wire::rtmp::Message& m) {
  if (state_ != RtmpSessionState::kPublishing) {
    ++ignoredMessages_;  // media before publish Start or from a player: dropped
    return;
  }
  if (m.type() == MessageType::kVideo) {
    listener_.onRtmpVideo(m.header.timestamp, m.payload);
  } else {
    listener_.onRtmpAudio(m.header.timestamp, m.payload);
  }
}

Status RtmpServerSession::sendVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) {
  if (state_ != RtmpSessionState::kPlaying) return Error::state("session is not playing");
  return link_.send({kVideoCsid, timestampMs, static_cast<uint8_t>(MessageType::kVideo), kStreamId}, flvTagBody);
}

Status RtmpServerSession::sendAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) {
  if (state_ != RtmpSessionState::kPlaying) return Error::state("session is not playing");
  return link_.send({kAudioCsid, timestampMs, static_cast<uint8_t>(MessageType::kAudio), kStreamId}, flvTagBody);
}

Status RtmpServerSession::sendMetadata(const Amf0Value& metadata) {
  if (state_ != RtmpSessionState::kPlaying) return Error::state("session is not playing");
  const auto body = wire::rtmp::buildOnMetaData(metadata);
  return link_.send({kDataCsid, 0, static_cast<uint8_t>(MessageType::kDataAmf0), kStreamId}, body);
}

Status RtmpServerSession::sendData(uint32_t timestampMs, std::span<const uint8_t> body) {
  if (state_ != RtmpSessionState::kPlaying) return Error::state("session is not playing");
  return link_.send({kDataCsid, timestampMs, static_cast<uint8_t>(MessageType::kDataAmf0), kStreamId}, body);
}

void RtmpServerSession::sendCommand(std::span<const uint8_t> amf, uint32_t streamId) {
  (void)link_.send({kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0), streamId}, amf);
}

}  // namespace rtcgate::transport::rtmp
