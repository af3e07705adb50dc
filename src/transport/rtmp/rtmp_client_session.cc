#include "transport/rtmp/rtmp_client_session.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "wire/rtmp/protocol_control.h"

namespace rtcgate::transport::rtmp {
namespace {

using wire::rtmp::Amf0Value;
using wire::rtmp::Command;
using wire::rtmp::MessageHeader;
using wire::rtmp::MessageType;

// createStream ids are small integers (FMS, nginx-rtmp and SRS hand out 1); anything
// else is a broken server, not a stream to publish on.
constexpr double kMaxStreamId = 1 << 24;

// "NetStream.Publish.BadName (Stream key rejected)" from an onStatus/_error info object.
std::string describe(const Command& c) {
  const Amf0Value* info = nullptr;
  for (const auto& a : c.args) {
    if (a.isObjectLike()) {
      info = &a;
      break;
    }
  }
  if (info == nullptr && c.commandObject.isObjectLike()) info = &c.commandObject;
  if (info == nullptr) return "no reason given";
  const Amf0Value* code = info->find("code");
  const Amf0Value* description = info->find("description");
  std::string out(code ? code->asString() : std::string_view());
  const std::string_view text = description ? description->asString() : std::string_view();
  if (!text.empty()) out += out.empty() ? std::string(text) : " (" + std::string(text) + ")";
  return out.empty() ? "no reason given" : out;
}

std::string_view infoField(const Command& c, std::string_view key) {
  if (c.args.empty()) return {};
  const Amf0Value* v = c.args[0].find(key);
  return v ? v->asString() : std::string_view();
}

}  // namespace

RtmpClientSession::RtmpClientSession(RtmpClientConfig config, RtmpClientSessionListener& listener,
                                     uint32_t epochMs, std::span<const uint8_t> random)
    : config_(std::move(config)),
      listener_(listener),
      handshake_(wire::rtmp::Handshake::Role::kClient, epochMs, random),
      link_(config_.readerLimits, *this) {}

// §5.2.5: the client opens with C0 and C1 together (the handshake queued them).
void RtmpClientSession::start() {
  if (state_ != RtmpClientState::kIdle) return;
  state_ = RtmpClientState::kHandshake;
  const auto out = handshake_.output();
  const size_t n = out.size();
  link_.sendRaw(out);
  handshake_.consumeOutput(n);
}

void RtmpClientSession::onBytes(std::span<const uint8_t> bytes) {
  if (state_ == RtmpClientState::kIdle || state_ == RtmpClientState::kClosed) return;
  if (state_ == RtmpClientState::kHandshake) feedHandshake(bytes);
  if (state_ != RtmpClientState::kHandshake && state_ != RtmpClientState::kClosed && !bytes.empty()) {
    feedChunks(bytes);
  }
}

// The handshake holds S0+S1+S2 in fixed buffers and consumes nothing beyond them.
void RtmpClientSession::feedHandshake(std::span<const uint8_t>& bytes) {
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
  if (!handshake_.done()) return;
  state_ = RtmpClientState::kConnecting;
  sendConnect();
}

void RtmpClientSession::feedChunks(std::span<const uint8_t> bytes) {
  while (!bytes.empty() && state_ != RtmpClientState::kClosed) {
    auto m = link_.read(bytes);
    if (!m.ok()) return fail(std::string("bad chunk stream from server: ") + m.error().message);
    if (*m) onMessage(**m);
    if (state_ != RtmpClientState::kClosed) link_.maybeAcknowledge();
  }
}

void RtmpClientSession::onEof() {
  if (state_ == RtmpClientState::kClosed) return;
  switch (state_) {
    case RtmpClientState::kHandshake:
      return fail("server closed the connection during the handshake");
    case RtmpClientState::kPublishing:
      return fail("server closed the connection");
    default:
      return fail("server closed the connection before publishing started");
  }
}

void RtmpClientSession::close(std::string_view reason) {
  if (state_ == RtmpClientState::kClosed) return;
  if (streamId_ != 0 && (state_ == RtmpClientState::kPublishing || state_ == RtmpClientState::kAwaitingPublish)) {
    // What ffmpeg sends on a clean stop: the CDN ends the broadcast at once instead of
    // waiting for its idle timeout.
    const Amf0Value key[] = {Amf0Value::string(config_.streamKey)};
    sendNamed("FCUnpublish", nextTransaction_++, key, 0);
    const Amf0Value id[] = {Amf0Value::number(streamId_)};
    sendNamed("deleteStream", nextTransaction_++, id, 0);
  }
  fail(std::string(reason));
}

void RtmpClientSession::fail(std::string reason) {
  if (state_ == RtmpClientState::kClosed) return;
  state_ = RtmpClientState::kClosed;
  closeReason_ = std::move(reason);
  listener_.onRtmpClientClosed(closeReason_);
}

void RtmpClientSession::ignore() {
  if (++ignoredMessages_ > config_.maxUnknownMessages) fail("too many unexpected messages from server");
}

void RtmpClientSession::onMessage(const wire::rtmp::Message& m) {
  switch (m.type()) {
    case MessageType::kSetChunkSize:
    case MessageType::kAbort:
    case MessageType::kAcknowledgement:
      return;  // the chunk reader applied the first two; we do not throttle on acks
    case MessageType::kUserControl:
    case MessageType::kWindowAckSize:
    case MessageType::kSetPeerBandwidth:
      return onControl(m);
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3: {
      auto c = Command::fromMessage(m);
      if (!c.ok()) return fail(std::string("bad command from server: ") + c.error().message);
      return onCommand(*c);
    }
    default:
      return ignore();  // data, media, shared objects: nothing a publisher needs
  }
}

void RtmpClientSession::onControl(const wire::rtmp::Message& m) {
  if (m.type() == MessageType::kWindowAckSize) {
    if (auto st = link_.onWindowAckSize(m.payload); !st.ok())
      fail(std::string("bad window ack size: ") + st.error().message);
    return;
  }
  if (m.type() == MessageType::kSetPeerBandwidth) {
    auto bw = wire::rtmp::SetPeerBandwidth::parse(m.payload);
    if (!bw.ok()) return fail(std::string("bad set peer bandwidth: ") + bw.error().message);
    // §5.4.5: answer with our Window Acknowledgement Size when it differs from the last one.
    if (bw->windowSize == 0 || bw->windowSize == ourWindowSent_) return;
    ourWindowSent_ = bw->windowSize;
    std::array<uint8_t, 4> p{};
    (void)wire::rtmp::WindowAckSize{ourWindowSent_}.serializeTo(p);
    return link_.sendControl(MessageType::kWindowAckSize, p);
  }
  if (auto st = link_.onUserControl(m.payload); !st.ok()) fail(std::string("bad user control: ") + st.error().message);
}

void RtmpClientSession::onCommand(const Command& c) {
  if (c.name == "_result") return onResult(c);
  if (c.name == "_error") return onError(c);
  if (c.name == "onStatus") return onStatus(c);
  // Servers announce these around connect/FCPublish; none needs an answer from a publisher.
  if (c.name == "onBWDone" || c.name == "onFCPublish" || c.name == "_checkbw" || c.name == "close") return;
  ignore();
}

void RtmpClientSession::onResult(const Command& c) {
  if (state_ == RtmpClientState::kConnecting && c.transactionId == connectTransaction_) {
    state_ = RtmpClientState::kCreatingStream;
    return sendCreateStream();
  }
  if (state_ == RtmpClientState::kCreatingStream && c.transactionId == createStreamTransaction_) {
    const double id = c.args.empty() ? -1 : c.args[0].asNumber(-1);
    if (!(id >= 1 && id < kMaxStreamId) || std::floor(id) != id) {
      return fail("createStream result without a usable stream id");
    }
    streamId_ = static_cast<uint32_t>(id);
    state_ = RtmpClientState::kAwaitingPublish;
    // §7.2.2.6: publish(name, type) on the new message stream; "live" means no recording.
    const Amf0Value args[] = {Amf0Value::string(config_.streamKey), Amf0Value::string("live")};
    publishTransaction_ = nextTransaction_++;
    return sendNamed("publish", publishTransaction_, args, streamId_);
  }
  // releaseStream/FCPublish answers, late or unsolicited results: nothing to do.
}

void RtmpClientSession::onError(const Command& c) {
  if (c.transactionId == connectTransaction_ && state_ == RtmpClientState::kConnecting) {
    return fail("connect rejected: " + describe(c));
  }
  if (c.transactionId == createStreamTransaction_ && state_ == RtmpClientState::kCreatingStream) {
    return fail("createStream failed: " + describe(c));
  }
  if (c.transactionId == publishTransaction_ && state_ == RtmpClientState::kAwaitingPublish) {
    return fail("publish rejected: " + describe(c));  // some servers refuse with _error, not onStatus
  }
  // Several servers answer releaseStream/FCPublish with _error; ffmpeg ignores it too.
}

void RtmpClientSession::onStatus(const Command& c) {
  const std::string_view code = infoField(c, "code");
  if (state_ == RtmpClientState::kAwaitingPublish && code == "NetStream.Publish.Start") {
    state_ = RtmpClientState::kPublishing;
    listener_.onRtmpClientPublishing();
    return;
  }
  const bool failed = infoField(c, "level") == "error" || code.find("Failed") != std::string_view::npos ||
                      code.find("Rejected") != std::string_view::npos ||
                      code.find("BadName") != std::string_view::npos;
  if (!failed) return;  // Unpublish notices, status chatter
  const bool beforeStart = state_ != RtmpClientState::kPublishing;
  fail((beforeStart ? "publish rejected: " : "server error: ") + describe(c));
}

// connect follows the handshake at once, after our Set Chunk Size (ffmpeg's order).
void RtmpClientSession::sendConnect() {
  std::array<uint8_t, 4> p{};
  (void)wire::rtmp::SetChunkSize{config_.outChunkSize}.serializeTo(p);
  // §5.4.1: the Set Chunk Size message itself still goes out in the old size.
  link_.sendControl(MessageType::kSetChunkSize, p);
  if (!link_.setOutChunkSize(config_.outChunkSize).ok()) return fail("invalid outgoing chunk size");
  connectTransaction_ = nextTransaction_++;
  const auto amf = wire::rtmp::buildConnect(connectTransaction_, config_.app, config_.tcUrl, config_.flashVer);
  (void)link_.send({kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0), 0}, amf);
}

// releaseStream and FCPublish make FMS-style servers (and YouTube) drop a stale publisher
// of the same key; createStream gives the message stream to publish on.
void RtmpClientSession::sendCreateStream() {
  const Amf0Value key[] = {Amf0Value::string(config_.streamKey)};
  sendNamed("releaseStream", nextTransaction_++, key, 0);
  sendNamed("FCPublish", nextTransaction_++, key, 0);
  createStreamTransaction_ = nextTransaction_++;
  sendNamed("createStream", createStreamTransaction_, {}, 0);
}

void RtmpClientSession::sendNamed(std::string_view name, double transactionId, std::span<const Amf0Value> args,
                                  uint32_t streamId) {
  const auto amf = wire::rtmp::buildCommand(name, transactionId, args);
  (void)link_.send({kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0), streamId}, amf);
}

Status RtmpClientSession::sendData(uint32_t timestampMs, std::span<const uint8_t> body) {
  if (state_ != RtmpClientState::kPublishing) return Error::state("session is not publishing");
  return link_.send({kDataCsid, timestampMs, static_cast<uint8_t>(MessageType::kDataAmf0), streamId_}, body);
}

Status RtmpClientSession::sendMetadata(const Amf0Value& metadata) {
  if (state_ != RtmpClientState::kPublishing) return Error::state("session is not publishing");
  // A publisher wraps onMetaData in @setDataFrame so the server keeps it for late players.
  std::vector<uint8_t> body;
  wire::rtmp::encodeAmf0(Amf0Value::string("@setDataFrame"), body);
  const auto meta = wire::rtmp::buildOnMetaData(metadata);
  body.insert(body.end(), meta.begin(), meta.end());
  return link_.send({kDataCsid, 0, static_cast<uint8_t>(MessageType::kDataAmf0), streamId_}, body);
}

Status RtmpClientSession::sendVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) {
  if (state_ != RtmpClientState::kPublishing) return Error::state("session is not publishing");
  return link_.send({kVideoCsid, timestampMs, static_cast<uint8_t>(MessageType::kVideo), streamId_}, flvTagBody);
}

Status RtmpClientSession::sendAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) {
  if (state_ != RtmpClientState::kPublishing) return Error::state("session is not publishing");
  return link_.send({kAudioCsid, timestampMs, static_cast<uint8_t>(MessageType::kAudio), streamId_}, flvTagBody);
}

}  // namespace rtcgate::transport::rtmp
