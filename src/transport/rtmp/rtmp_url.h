#pragma once
// Parsing of RTMP push URLs as encoders and CDNs write them: rtmp://host[:port]/app[/more]/key[?query].

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rtcgate::transport::rtmp {

// The parts of an RTMP push URL an RTMP client needs for connect and publish.
struct RtmpUrl {
  static constexpr uint16_t kDefaultPort = 1935;

  std::string host;       // name or IP literal, without IPv6 brackets
  uint16_t port = kDefaultPort;
  std::string app;        // every path segment but the last ("live", "live/sub")
  std::string streamKey;  // the last segment, with any "?query" (tokens travel there)
  std::string tcUrl;      // "rtmp://host:port/app", the connect command's tcUrl

  // Splits `url`; the error message says what is wrong (scheme, host, port, app, key).
  // rtmps:// is refused with its own message: TLS is not implemented.
  static Result<RtmpUrl> parse(std::string_view url);

  // The URL with the stream key replaced by "***", for logs and status pages.
  std::string redacted() const;
};

}  // namespace rtcgate::transport::rtmp
