#include "wire/rtmp/amf0_command.h"

#include <exception>

namespace rtcgate::wire::rtmp {
namespace {

// AMF3-typed messages (15, 17) from Flash clients start with a format byte of 0, after
// which the values are plain AMF0; anything else would need an AMF3 decoder.
Result<std::span<const uint8_t>> amf0Body(const Message& m, MessageType amf0, MessageType amf3) noexcept {
  if (m.type() == amf0) return m.payload;
  if (m.type() != amf3) return Error::malformed("message type is not a command or data message");
  if (m.payload.empty() || m.payload[0] != 0) return Error::unsupported("amf3 encoded message body");
  return m.payload.subspan(1);
}

}  // namespace

Result<Command> Command::parse(std::span<const uint8_t> payload, const Amf0Limits& limits) noexcept {
  try {
    auto values = decodeAmf0All(payload, limits);
    if (!values.ok()) return values.error();
    auto& v = *values;
    if (v.size() < 2) return Error::truncated("command without name and transaction id");
    if (!v[0].isString()) return Error::malformed("command name is not a string");
    if (!v[1].isNumber()) return Error::malformed("command transaction id is not a number");
    Command c;
    c.name = std::string(v[0].asString());
    c.transactionId = v[1].asNumber();
    size_t next = 2;
    // The command object may be missing entirely (some clients send bare onStatus/play).
    if (v.size() > 2 && (v[2].isObjectLike() || v[2].isNullish())) {
      c.commandObject = std::move(v[2]);
      next = 3;
    }
    for (size_t i = next; i < v.size(); ++i) c.args.push_back(std::move(v[i]));
    return c;
  } catch (const std::exception&) {  // bad_alloc: an error, never the end of the process
    return Error::noSpace("amf0: out of memory");
  }
}

Result<Command> Command::fromMessage(const Message& m, const Amf0Limits& limits) noexcept {
  auto body = amf0Body(m, MessageType::kCommandAmf0, MessageType::kCommandAmf3);
  if (!body.ok()) return body.error();
  return parse(*body, limits);
}

std::vector<uint8_t> Command::serialize() const {
  std::vector<uint8_t> out;
  encodeAmf0(Amf0Value::string(name), out);
  encodeAmf0(Amf0Value::number(transactionId), out);
  encodeAmf0(commandObject, out);
  for (const auto& a : args) encodeAmf0(a, out);
  return out;
}

std::string_view Command::stringArg(size_t index) const noexcept {
  return index < args.size() ? args[index].asString() : std::string_view();
}

Result<DataMessage> DataMessage::parse(std::span<const uint8_t> payload, const Amf0Limits& limits) noexcept {
  try {
    auto values = decodeAmf0All(payload, limits);
    if (!values.ok()) return values.error();
    auto& v = *values;
    DataMessage d;
    size_t i = 0;
    // Publishers send "@setDataFrame", "onMetaData", {...}; players receive it unwrapped.
    if (!v.empty() && v[0].asString() == "@setDataFrame") {
      d.setDataFrame = true;
      i = 1;
    }
    if (i >= v.size() || !v[i].isString()) return Error::malformed("data message without a name");
    d.name = std::string(v[i].asString());
    for (++i; i < v.size(); ++i) d.values.push_back(std::move(v[i]));
    return d;
  } catch (const std::exception&) {  // bad_alloc: an error, never the end of the process
    return Error::noSpace("amf0: out of memory");
  }
}

Result<DataMessage> DataMessage::fromMessage(const Message& m, const Amf0Limits& limits) noexcept {
  auto body = amf0Body(m, MessageType::kDataAmf0, MessageType::kDataAmf3);
  if (!body.ok()) return body.error();
  return parse(*body, limits);
}

std::vector<uint8_t> DataMessage::serialize() const {
  std::vector<uint8_t> out;
  encodeAmf0(Amf0Value::string(name), out);
  for (const auto& v : values) encodeAmf0(v, out);
  return out;
}

const Amf0Value* DataMessage::metadata() const noexcept {
  if (name != "onMetaData") return nullptr;
  for (const auto& v : values) {
    if (v.isObjectLike()) return &v;
  }
  return nullptr;
}

std::string_view streamStatusCode(StreamStatus s) noexcept {
  switch (s) {
    case StreamStatus::kPublishStart:
      return "NetStream.Publish.Start";
    case StreamStatus::kPublishBadName:
      return "NetStream.Publish.BadName";
    case StreamStatus::kUnpublishSuccess:
      return "NetStream.Unpublish.Success";
    case StreamStatus::kPlayStart:
      return "NetStream.Play.Start";
    case StreamStatus::kPlayReset:
      return "NetStream.Play.Reset";
    case StreamStatus::kPlayStreamNotFound:
      return "NetStream.Play.StreamNotFound";
  }
  return "";
}

std::vector<uint8_t> buildConnectResult(double transactionId, double objectEncoding) {
  Command c{"_result", transactionId, Amf0Value::object(), {}};
  c.commandObject.set("fmsVer", Amf0Value::string("FMS/3,0,1,123"))
      .set("capabilities", Amf0Value::number(31));
  Amf0Value info = Amf0Value::object();
  info.set("level", Amf0Value::string("status"))
      .set("code", Amf0Value::string("NetConnection.Connect.Success"))
      .set("description", Amf0Value::string("Connection succeeded."))
      .set("objectEncoding", Amf0Value::number(objectEncoding));
  c.args.push_back(std::move(info));
  return c.serialize();
}

std::vector<uint8_t> buildCreateStreamResult(double transactionId, uint32_t streamId) {
  Command c{"_result", transactionId, Amf0Value::null(), {Amf0Value::number(streamId)}};
  return c.serialize();
}

std::vector<uint8_t> buildSimpleResult(double transactionId, bool error) {
  Command c{error ? "_error" : "_result", transactionId, Amf0Value::null(), {}};
  return c.serialize();
}

std::vector<uint8_t> buildOnStatus(StreamStatus status, std::string_view description,
                                   std::string_view streamName) {
  const bool isError = status == StreamStatus::kPublishBadName || status == StreamStatus::kPlayStreamNotFound;
  Amf0Value info = Amf0Value::object();
  info.set("level", Amf0Value::string(isError ? "error" : "status"))
      .set("code", Amf0Value::string(streamStatusCode(status)))
      .set("description", Amf0Value::string(description));
  if (!streamName.empty()) info.set("details", Amf0Value::string(streamName));
  Command c{"onStatus", 0, Amf0Value::null(), {}};
  c.args.push_back(std::move(info));
  return c.serialize();
}

std::vector<uint8_t> buildSampleAccess(bool audio, bool video) {
  DataMessage d{"|RtmpSampleAccess", {Amf0Value::boolean(audio), Amf0Value::boolean(video)}, false};
  return d.serialize();
}

std::vector<uint8_t> buildOnMetaData(const Amf0Value& metadata) {
  Amf0Value array = Amf0Value::ecmaArray(metadata.properties());
  DataMessage d{"onMetaData", {}, false};
  d.values.push_back(std::move(array));
  return d.serialize();
}

std::vector<uint8_t> buildConnect(double transactionId, std::string_view app, std::string_view tcUrl,
                                  std::string_view flashVer) {
  Command c{"connect", transactionId, Amf0Value::object(), {}};
  c.commandObject.set("app", Amf0Value::string(app))
      .set("type", Amf0Value::string("nonprivate"))
      .set("flashVer", Amf0Value::string(flashVer))
      .set("tcUrl", Amf0Value::string(tcUrl));
  return c.serialize();
}

std::vector<uint8_t> buildCommand(std::string_view name, double transactionId,
                                  std::span<const Amf0Value> args) {
  Command c{std::string(name), transactionId, Amf0Value::null(), {args.begin(), args.end()}};
  return c.serialize();
}

}  // namespace rtcgate::wire::rtmp
