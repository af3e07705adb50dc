#include "transport/rtmp/rtmp_url.h"

#include <charconv>

namespace rtcgate::transport::rtmp {
namespace {

constexpr std::string_view kScheme = "rtmp://";

bool startsWithNoCase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// "host", "host:port", "[v6]" or "[v6]:port" → host and port.
Status parseAuthority(std::string_view authority, RtmpUrl& url) {
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error::malformed("unterminated [ipv6] host in rtmp url");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Error::malformed("junk after [ipv6] host in rtmp url");
      portText = rest.substr(1);
      if (portText.empty()) return Error::malformed("empty port in rtmp url");
    }
  } else {
    const size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = authority.substr(colon + 1);
      if (portText.empty()) return Error::malformed("empty port in rtmp url");
    }
  }
  if (url.host.empty()) return Error::malformed("rtmp url has no host");
  if (authority.find('@') != std::string_view::npos) return Error::unsupported("credentials in rtmp url host");
  if (portText.empty()) return {};
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
  if (ec != std::errc() || end != portText.data() + portText.size() || value == 0 || value > 65535) {
    return Error::malformed("bad port in rtmp url (1-65535)");
  }
  url.port = static_cast<uint16_t>(value);
  return {};
}

std::string bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

Result<RtmpUrl> RtmpUrl::parse(std::string_view text) {
  if (startsWithNoCase(text, "rtmps://")) return Error::unsupported("rtmps (RTMP over TLS) is not supported");
  if (!startsWithNoCase(text, kScheme)) return Error::malformed("rtmp url must start with rtmp://");
  text.remove_prefix(kScheme.size());
  // The query belongs to the key (CDN tokens); a '/' inside it must not split the path.
  const size_t queryAt = text.find('?');
  const std::string_view beforeQuery = text.substr(0, queryAt);
  const std::string_view query = queryAt == std::string_view::npos ? std::string_view() : text.substr(queryAt);
  const size_t slash = beforeQuery.find('/');
  if (slash == std::string_view::npos) return Error::malformed("rtmp url has no /app/key path");
  RtmpUrl url;
  RTCGATE_TRY(parseAuthority(beforeQuery.substr(0, slash), url));
  const std::string_view path = beforeQuery.substr(slash + 1);
  const size_t last = path.rfind('/');
  if (last == std::string_view::npos) return Error::malformed("rtmp url has no stream key after the app");
  std::string_view app = path.substr(0, last);
  while (!app.empty() && app.back() == '/') app.remove_suffix(1);
  if (app.empty()) return Error::malformed("rtmp url has an empty app");
  const std::string_view key = path.substr(last + 1);
  if (key.empty()) return Error::malformed("rtmp url has an empty stream key");
  url.app = std::string(app);
  url.streamKey = std::string(key) + std::string(query);
  url.tcUrl = "rtmp://" + bracketed(url.host) + ":" + std::to_string(url.port) + "/" + url.app;
  return url;
}

std::string RtmpUrl::redacted() const { return tcUrl + "/***"; }

}  // namespace rtcgate::transport::rtmp
