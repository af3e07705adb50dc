#pragma once
// MediaKind: audio or video, the two kinds of track a stream carries.

#include <cstdint>
#include <string_view>

namespace rtcgate::sfu {

enum class MediaKind : uint8_t { kAudio = 0, kVideo = 1 };
constexpr size_t kMediaKinds = 2;

constexpr std::string_view mediaKindName(MediaKind k) noexcept { return k == MediaKind::kAudio ? "audio" : "video"; }
constexpr size_t kindIndex(MediaKind k) noexcept { return static_cast<size_t>(k); }

}  // namespace rtcgate::sfu
