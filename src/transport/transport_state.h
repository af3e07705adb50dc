#pragma once
// TransportState: the life cycle of a media transport (kFailed and kClosed are final).

#include <cstdint>
#include <string_view>

namespace rtcgate::transport {

enum class TransportState : uint8_t { kNew, kConnecting, kConnected, kFailed, kClosed };

constexpr std::string_view transportStateName(TransportState s) noexcept {
  switch (s) {
    case TransportState::kNew: return "new";
    case TransportState::kConnecting: return "connecting";
    case TransportState::kConnected: return "connected";
    case TransportState::kFailed: return "failed";
    case TransportState::kClosed: return "closed";
  }
  return "unknown";
}

}  // namespace rtcgate::transport
