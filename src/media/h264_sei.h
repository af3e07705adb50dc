#pragma once
// H.264 SEI "user data unregistered" (ITU-T H.264 D.1.7, D.2.7): application data carried
// in the video itself, under a 16-byte UUID. Read from the SEI NAL units of frames an RTMP
// source sends, and written into the H.264 rtcgate encodes, as timed metadata.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace rtcgate::media {

inline constexpr uint8_t kNalSei = 6;
inline constexpr uint8_t kSeiUserDataUnregistered = 5;

using SeiUuid = std::array<uint8_t, 16>;
// x264 writes its version and options under this UUID into the first frame: not application data.
inline constexpr SeiUuid kX264SeiUuid = {0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48, 0xb7,
                                         0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef};
// The UUID of the timed metadata rtcgate writes (its text, as the source sent it).
inline constexpr SeiUuid kRtcgateSeiUuid = {0x7c, 0x1e, 0x5b, 0x42, 0x93, 0x0d, 0x4e, 0x61,
                                            0xa8, 0x2f, 0x6b, 0x3c, 0x91, 0xd4, 0x05, 0xe7};

struct SeiUserData {
  SeiUuid uuid{};
  std::span<const uint8_t> payload;  // inside the reader's scratch buffer
};

// Reads the user data unregistered messages of one SEI NAL unit (header byte first,
// emulation prevention bytes in place), at most kMaxMessages of them, into `out`. `scratch`
// receives the unescaped payload (reused between calls; `out` points into it). Other SEI
// messages are skipped; a message that runs past the NAL unit is an error.
class SeiReader {
 public:
  static constexpr size_t kMaxMessages = 8;
  static constexpr size_t kMaxNalBytes = 64 * 1024;

  Status read(std::span<const uint8_t> nal, std::vector<SeiUserData>& out);

 private:
  std::vector<uint8_t> scratch_;
};

// One SEI NAL unit (no start code) holding `payload` under `uuid`, emulation prevention
// bytes added; empty when `payload` is larger than kMaxWrittenPayload.
inline constexpr size_t kMaxWrittenPayload = 16 * 1024;
std::vector<uint8_t> writeSeiUserData(const SeiUuid& uuid, std::span<const uint8_t> payload);

}  // namespace rtcgate::media
