#include "cluster/stream_access.h"

#include <cctype>

namespace rtcgate::cluster {

bool validNamePart(std::string_view part) noexcept {
  if (part.empty() || part.size() > 64 || part == "." || part == "..") return false;
  for (char c : part)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

bool validStreamName(std::string_view name) noexcept {
  // One part, or two joined by '/' (an RTMP "{app}/{key}" name).
  const auto slash = name.find('/');
  if (slash == std::string_view::npos) return validNamePart(name);
  return validNamePart(name.substr(0, slash)) && validNamePart(name.substr(slash + 1));
}

const std::string* requiredToken(const std::map<std::string, std::string>& tokens, std::string_view stream) noexcept {
  const std::string* required = nullptr;
  size_t best = 0;
  for (const auto& [prefix, token] : tokens) {
    if (stream.substr(0, prefix.size()) == prefix && (required == nullptr || prefix.size() >= best)) {
      required = &token;
      best = prefix.size();
    }
  }
  return required;
}

}  // namespace rtcgate::cluster
