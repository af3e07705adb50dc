#include "edge/rtmp_connection.h"

#include <nlohmann/json.hpp>

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "edge/rtmp_server.h"
#include "base/random.h"

namespace rtcgate::edge {

using boost::asio::ip::tcp;
using transport::rtmp::RtmpDecision;

namespace {
std::array<uint8_t, 1528> handshakeRandom() {
  std::array<uint8_t, 1528> r{};
  randomBytes(r);
  return r;
}
}  // namespace

RtmpConnection::RtmpConnection(RtmpServer& server, tcp::socket socket, std::string id,
                               const transport::rtmp::RtmpServerConfig& config, RtmpConnectionLimits limits,
                               Clock& clock)
    : server_(server),
      clock_(clock),
      socket_(std::move(socket)),
      writer_(socket_, clock_),
      timer_(socket_.get_executor()),
      id_(std::move(id)),
      limits_(limits),
      session_(config, *this, static_cast<uint32_t>(nowMs()), handshakeRandom()),
      flv_(clock_) {
  writer_.onWritten([this](const boost::system::error_code& ec, size_t) { onWritten(ec); });
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.set_option(boost::asio::socket_base::send_buffer_size(limits_.socketSendBuffer), ec);
}

RtmpConnection::~RtmpConnection() = default;

void RtmpConnection::start() {
  startedMs_ = nowMs();
  spdlog::info("rtmp {}: connection from {}", id_, peer_);
  armTimer();
  read();
}

void RtmpConnection::read() {
  socket_.async_read_some(boost::asio::buffer(readBuffer_),
                          [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                            if (self->finished_) return;
                            if (ec == boost::asio::error::eof) {
                              self->session_.onEof();
                            } else if (ec) {
                              self->session_.close("read failed: " + ec.message());
                            } else {
                              self->session_.onBytes(std::span<const uint8_t>(self->readBuffer_.data(), n));
                            }
                            // Closed: stop reading; the answer it sent (an error status) goes out
                            // first, the write-stall timer bounds the wait.
                            if (self->closed_) {
                              if (!self->writer_.writing()) self->finish();
                              return;
                            }
                            self->read();
                          });
}

void RtmpConnection::onRtmpSend(std::span<const uint8_t> bytes) {
  if (finished_) return;
  if (writer_.queuedBytes() + bytes.size() > limits_.maxBacklogBytes && !closed_) {
    // Nothing more is queued for a peer this far behind; what is queued is dropped.
    writer_.discardQueued();
    session_.close("peer is not reading (" + std::to_string(limits_.maxBacklogBytes >> 20) + " MiB unsent)");
    return;
  }
  writer_.write(bytes, shared_from_this());
}

void RtmpConnection::onWritten(const boost::system::error_code& ec) {
  if (finished_) return;
  if (ec) {
    session_.close("write failed: " + ec.message());
    writer_.discardQueued();
  }
  if (closed_ && writer_.idle()) finish();
}

void RtmpConnection::armTimer() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->finished_) return;
    self->onTimer();
  });
}

void RtmpConnection::onTimer() {
  const int64_t now = nowMs();
  if (!closed_) {
    if ((role_ == Role::kNone || role_ == Role::kJoining) && now - startedMs_ > limits_.setupTimeoutMs) {
      session_.close("no publish or play within " + std::to_string(limits_.setupTimeoutMs / 1000) + " s");
    } else if (role_ == Role::kPublisher && now - lastMediaMs_ > limits_.mediaTimeoutMs) {
      session_.close("no media for " + std::to_string(limits_.mediaTimeoutMs / 1000) + " s");
    } else if (writer_.writeAgeMs() > limits_.writeStallMs) {
      session_.close("peer stopped reading (a write stalled for " + std::to_string(limits_.writeStallMs / 1000) +
                     " s)");
    }
  } else if (writer_.writeAgeMs() > limits_.writeStallMs) {
    writer_.discardQueued();  // the goodbye cannot be delivered either
  }
  if (closed_ && (!writer_.writing() || writer_.writeAgeMs() > limits_.writeStallMs)) return finish();
  armTimer();
}

void RtmpConnection::close(const std::string& reason) {
  if (finished_) return;
  if (!closed_) session_.close(reason);
  if (closed_ && !writer_.writing()) finish();
}

void RtmpConnection::onRtmpClosed(std::string_view reason) {
  closed_ = true;
  closeReason_ = std::string(reason);
}

void RtmpConnection::finish() {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  timer_.cancel();
  auto self = shared_from_this();  // the server drops its reference below
  server_.onConnectionClosed(*this, closeReason_);
}

void RtmpConnection::settle(bool accepted, bool publisher, std::string stream, unsigned worker) {
  auto early = std::move(early_);
  early_.clear();
  if (finished_ || closed_) return;
  if (accepted) {
    role_ = publisher ? Role::kPublisher : Role::kPlayer;
    stream_ = std::move(stream);
    worker_ = worker;
    lastMediaMs_ = nowMs();
  } else if (role_ == Role::kJoining) {
    role_ = Role::kNone;
  }
  session_.decide(accepted ? RtmpDecision::kAccept : RtmpDecision::kReject);
  // Frames posted by the worker before its answer (the GOP a joining player gets).
  if (accepted && !publisher)
    for (auto& f : early) onFrame(std::move(f));
  if (closed_ && !writer_.writing()) finish();
}

RtmpDecision RtmpConnection::onRtmpPublish(std::string_view app, std::string_view key) {
  return server_.decidePublish(*this, app, key);
}

RtmpDecision RtmpConnection::onRtmpPlay(std::string_view app, std::string_view key) {
  return server_.decidePlay(*this, app, key);
}

void RtmpConnection::onRtmpMetadata(const wire::rtmp::Amf0Value&) {
  // The stream's own codec configuration (sequence headers) is what counts; metadata is
  // rebuilt for players from it.
}

namespace {

nlohmann::json amf0ToJson(const wire::rtmp::Amf0Value& v) {
  using Type = wire::rtmp::Amf0Value::Type;
  switch (v.type()) {
    case Type::kNumber:
    case Type::kDate: return v.asNumber();
    case Type::kBoolean: return v.asBool();
    case Type::kString:
    case Type::kLongString: return std::string(v.asString());
    case Type::kObject:
    case Type::kEcmaArray: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [key, value] : v.properties()) o[key] = amf0ToJson(value);
      return o;
    }
    case Type::kStrictArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : v.items()) a.push_back(amf0ToJson(item));
      return a;
    }
    default: return nullptr;
  }
}

// Timed data of one message at most this large is passed on (onTextData lines, cue points).
constexpr size_t kMaxTimedDataBytes = 64 * 1024;

}  // namespace

void RtmpConnection::onRtmpTimedData(uint32_t timestampMs, const wire::rtmp::DataMessage& data) {
  if (role_ != Role::kPublisher) return;
  // {"type": "onTextData", "data": <its value>} (several values: an array of them), the
  // stream's timed metadata at the message's timestamp (docs/DATA.md).
  nlohmann::json out{{"type", data.name}};
  if (data.values.size() == 1) out["data"] = amf0ToJson(data.values.front());
  else {
    out["data"] = nlohmann::json::array();
    for (const auto& v : data.values) out["data"].push_back(amf0ToJson(v));
  }
  std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxTimedDataBytes) {
    if (!timedDataTooLargeLogged_) {  // once per connection: the publisher sends them on
      timedDataTooLargeLogged_ = true;
      spdlog::warn("rtmp {}: a {} data message of {} bytes is past the {}-byte bound for timed metadata; dropped",
                   id_, data.name, text.size(), kMaxTimedDataBytes);
    }
    return;
  }
  server_.workers().pushTimedData(worker_, id_, int64_t{timestampMs} * 1000,
                                  std::make_shared<const std::vector<uint8_t>>(text.begin(), text.end()));
}

void RtmpConnection::onRtmpVideo(uint32_t timestampMs, std::span<const uint8_t> body) {
  if (role_ != Role::kPublisher || videoRefused_) return;
  lastMediaMs_ = nowMs();
  frames_.clear();
  if (auto st = demuxer_.pushVideo(timestampMs, body, frames_); !st.ok()) {
    if (st.error().code == Error::Code::kUnsupported) {
      videoRefused_ = true;
      spdlog::warn("rtmp {}: stream '{}': video ignored: {}", id_, stream_, st.error().message);
      return;
    }
    session_.close(std::string("bad FLV video tag: ") + st.error().message);
    return;
  }
  pushFrames();
}

void RtmpConnection::onRtmpAudio(uint32_t timestampMs, std::span<const uint8_t> body) {
  if (role_ != Role::kPublisher) return;
  lastMediaMs_ = nowMs();
  frames_.clear();
  if (auto st = demuxer_.pushAudio(timestampMs, body, frames_); !st.ok()) {
    session_.close(std::string("bad FLV audio tag: ") + st.error().message);
    return;
  }
  pushFrames();
}

void RtmpConnection::pushFrames() {
  const auto video = demuxer_.video();
  // Only Baseline H.264 is known to have no B-frames; anything else gets a re-encode for
  // players that decode in order (browsers).
  const bool reorders = video && (video->reorders || video->profileIdc != 66);
  for (auto& f : frames_) {
    // SEI user data in the H.264: timed metadata at the frame's time, ahead of the frame.
    seiTexts_.clear();
    sei_.read(f, seiTexts_);
    for (const auto& text : seiTexts_) {
      if (text.size() > kMaxTimedDataBytes) continue;
      server_.workers().pushTimedData(worker_, id_, f.ptsUs,
                                      std::make_shared<const std::vector<uint8_t>>(text.begin(), text.end()));
    }
    server_.workers().pushFrame(worker_, id_, std::make_shared<const media::MediaFrame>(std::move(f)), reorders);
  }
}

void RtmpConnection::onFrame(std::shared_ptr<const media::MediaFrame> frame) {
  if (closed_) return;
  if (role_ == Role::kJoining) {
    if (early_.size() < kMaxEarlyFrames) early_.push_back(std::move(frame));
    return;
  }
  if (role_ != Role::kPlayer) return;
  (void)flv_.push(*frame, *this);
  if (flv_.waitingForKeyframe() && media::isVideo(frame->codec) && nowMs() - keyframeAskedMs_ > 1000) {
    keyframeAskedMs_ = nowMs();
    server_.workers().requestSinkKeyframe(worker_, id_);
  }
  if (closed_ && !writer_.writing()) finish();
}

Status RtmpConnection::sendFlvTag(const media::FlvTag& tag) {
  if (closed_) return Error::state("connection closing");
  return tag.video ? session_.sendVideo(tag.timestampMs, tag.body) : session_.sendAudio(tag.timestampMs, tag.body);
}

void RtmpConnection::onStreamEnded(const std::string& reason) { close(reason); }

}  // namespace rtcgate::edge
