#pragma once
// Extended Reports (XR, PT=207, RFC 3611): the RRTR and DLRR blocks Chromium sends.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// XR report block types we decode (RFC 3611 §4.4, §4.5).
enum class XrBlockType : uint8_t { kReceiverReferenceTime = 4, kDlrr = 5 };

// One raw XR report block (RFC 3611 §3); `body` excludes the 4-byte block header.
struct XrBlock {
  uint8_t blockType = 0;
  uint8_t typeSpecific = 0;
  std::span<const uint8_t> body;
};

// Walks the report blocks of an XR packet body (after the sender SSRC).
class XrBlockIterator {
 public:
  explicit XrBlockIterator(std::span<const uint8_t> blocks) noexcept : data_(blocks) {}
  // False at the end, or on a block overrunning the packet (then `malformed()`).
  bool next(XrBlock& out) noexcept;
  bool malformed() const noexcept { return malformed_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool malformed_ = false;
};

// DLRR sub-block (RFC 3611 §4.5): the last RRTR seen from `ssrc` and the delay since.
struct DlrrItem {
  uint32_t ssrc = 0;
  uint32_t lastRr = 0;            // middle 32 bits of the RRTR's NTP time
  uint32_t delaySinceLastRr = 0;  // 1/65536 s
  bool operator==(const DlrrItem&) const = default;
};

// The XR blocks we understand; others are skipped when parsing.
struct Xr {
  static constexpr size_t kMaxDlrrItems = 32;  // extras beyond this are ignored
  uint32_t senderSsrc = 0;
  std::optional<uint64_t> rrtrNtp;  // Receiver Reference Time (BT=4), 32.32 NTP
  std::array<DlrrItem, kMaxDlrrItems> dlrr{};
  uint8_t dlrrCount = 0;

  bool addDlrr(const DlrrItem& item) noexcept;
  std::span<const DlrrItem> dlrrItems() const noexcept { return {dlrr.data(), dlrrCount}; }

  // RFC 3611 §2: SSRC then blocks of BT, type-specific, length (words), contents.
  static Result<Xr> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
