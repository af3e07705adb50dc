#pragma once
// RTMP AMF0 command and data messages (Adobe RTMP spec 1.0 §7.1.1, §7.1.2, §7.2).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "wire/rtmp/amf0.h"
#include "wire/rtmp/message.h"

namespace rtcgate::wire::rtmp {

// A command message (type 20): name, transaction id, command object, then arguments.
struct Command {
  std::string name;
  double transactionId = 0;
  Amf0Value commandObject;  // null for most commands other than connect
  std::vector<Amf0Value> args;

  // §7.1.1: a string, a number, then an object or null; more values are arguments.
  static Result<Command> parse(std::span<const uint8_t> payload, const Amf0Limits& limits = {}) noexcept;
  // Type 20, or type 17 whose body is a 0x00 format byte then AMF0 (§7.1.1).
  static Result<Command> fromMessage(const Message& m, const Amf0Limits& limits = {}) noexcept;
  std::vector<uint8_t> serialize() const;
  // First argument as a string (publish/play stream name), or empty.
  std::string_view stringArg(size_t index) const noexcept;
};

// A data message (type 18) such as onMetaData, with any @setDataFrame wrapper removed.
struct DataMessage {
  std::string name;               // "onMetaData", "|RtmpSampleAccess", ...
  std::vector<Amf0Value> values;  // what follows the name
  bool setDataFrame = false;      // arrived as @setDataFrame (publisher metadata)

  static Result<DataMessage> parse(std::span<const uint8_t> payload, const Amf0Limits& limits = {}) noexcept;
  // Type 18, or type 15 with its leading 0x00 format byte (§7.1.2).
  static Result<DataMessage> fromMessage(const Message& m, const Amf0Limits& limits = {}) noexcept;
  std::vector<uint8_t> serialize() const;  // never writes @setDataFrame
  // The metadata object (ECMA array or object) of an onMetaData message, or nullptr.
  const Amf0Value* metadata() const noexcept;
};

// NetStream status codes a server sends in onStatus (§7.2.2).
enum class StreamStatus : uint8_t {
  kPublishStart,
  kPublishBadName,
  kUnpublishSuccess,
  kPlayStart,
  kPlayReset,
  kPlayStreamNotFound,
};
std::string_view streamStatusCode(StreamStatus s) noexcept;

// §7.2.1.1: _result for connect with fmsVer/capabilities and NetConnection.Connect.Success.
std::vector<uint8_t> buildConnectResult(double transactionId, double objectEncoding = 0);
// §7.2.1.3: _result for createStream carrying the new message stream id.
std::vector<uint8_t> buildCreateStreamResult(double transactionId, uint32_t streamId);
// _result / _error with a null command object and no arguments (releaseStream, FCPublish...).
std::vector<uint8_t> buildSimpleResult(double transactionId, bool error = false);
// §7.2.2: onStatus with level, code and description (level "error" for bad names/not found).
std::vector<uint8_t> buildOnStatus(StreamStatus status, std::string_view description,
                                   std::string_view streamName = {});
// |RtmpSampleAccess data message (players ask before reading samples).
std::vector<uint8_t> buildSampleAccess(bool audio = true, bool video = true);
// onMetaData data message as players expect it: the name then an ECMA array.
std::vector<uint8_t> buildOnMetaData(const Amf0Value& metadata);

// Client side (pushing to a CDN): connect with app, tcUrl, flashVer as ffmpeg sends it.
std::vector<uint8_t> buildConnect(double transactionId, std::string_view app, std::string_view tcUrl,
                                  std::string_view flashVer = "FMLE/3.0 (compatible; rtcgate)");
// A command with a null command object and string arguments (createStream, publish...).
std::vector<uint8_t> buildCommand(std::string_view name, double transactionId,
                                  std::span<const Amf0Value> args = {});

}  // namespace rtcgate::wire::rtmp
