#include "sfu/relay_data.h"

#include <algorithm>
#include <memory>
#include <string>

namespace rtcgate::sfu {

namespace {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kBinary = 1, kStamped = 2, kStampVideo = 4;

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// Reads big-endian fields off the front of a span; any read past the end fails the parse.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool u8(uint8_t& v) {
    if (b_.size() < 1) return false;
    v = b_[0];
    b_ = b_.subspan(1);
    return true;
  }
  bool u16(uint16_t& v) {
    if (b_.size() < 2) return false;
    v = static_cast<uint16_t>((b_[0] << 8) | b_[1]);
    b_ = b_.subspan(2);
    return true;
  }
  bool u32(uint32_t& v) {
    if (b_.size() < 4) return false;
    v = (uint32_t(b_[0]) << 24) | (uint32_t(b_[1]) << 16) | (uint32_t(b_[2]) << 8) | b_[3];
    b_ = b_.subspan(4);
    return true;
  }
  bool text(std::string& out) {
    uint16_t n = 0;
    if (!u16(n) || n > kMaxRelayDataName || b_.size() < n) return false;
    out.assign(reinterpret_cast<const char*>(b_.data()), n);
    b_ = b_.subspan(n);
    return true;
  }
  std::span<const uint8_t> rest() const { return b_; }

 private:
  std::span<const uint8_t> b_;
};

}  // namespace

std::vector<uint8_t> encodeRelayData(const DataMessage& m) {
  std::vector<uint8_t> out;
  const size_t payload = m.bytes ? m.bytes->size() : 0;
  out.reserve(payload + 32 + m.label.size() + m.protocol.size());
  out.push_back(kVersion);
  uint8_t flags = m.binary ? kBinary : 0;
  if (m.stamp) flags |= kStamped | (m.stamp->kind == MediaKind::kVideo ? kStampVideo : 0);
  out.push_back(flags);
  out.push_back(m.reliability.type);
  put32(out, m.reliability.parameter);
  const size_t label = std::min(m.label.size(), kMaxRelayDataName);
  const size_t protocol = std::min(m.protocol.size(), kMaxRelayDataName);
  put16(out, static_cast<uint16_t>(label));
  out.insert(out.end(), m.label.begin(), m.label.begin() + static_cast<std::ptrdiff_t>(label));
  put16(out, static_cast<uint16_t>(protocol));
  out.insert(out.end(), m.protocol.begin(), m.protocol.begin() + static_cast<std::ptrdiff_t>(protocol));
  if (m.stamp) {
    uint8_t mask = 0;
    for (size_t l = 0; l < MediaStamp::kMaxLayers; ++l)
      if (m.stamp->layerTimestamps[l]) mask |= static_cast<uint8_t>(1u << l);
    out.push_back(mask);
    for (size_t l = 0; l < MediaStamp::kMaxLayers; ++l)
      if (m.stamp->layerTimestamps[l]) put32(out, *m.stamp->layerTimestamps[l]);
  }
  if (payload) out.insert(out.end(), m.bytes->begin(), m.bytes->end());
  return out;
}

Result<DataMessage> parseRelayData(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  uint8_t version = 0, flags = 0;
  DataMessage m;
  if (!r.u8(version) || version != kVersion) return Error::malformed("relay data: unknown version");
  if (!r.u8(flags) || (flags & ~(kBinary | kStamped | kStampVideo)) != 0) return Error::malformed("relay data: bad flags");
  if (!r.u8(m.reliability.type) || !r.u32(m.reliability.parameter)) return Error::truncated("relay data: truncated");
  const uint8_t rel = m.reliability.type & 0x7F;
  if (rel != wire::sctp::ChannelReliability::kReliable && rel != wire::sctp::ChannelReliability::kRexmit &&
      rel != wire::sctp::ChannelReliability::kTimed)
    return Error::malformed("relay data: unknown reliability");
  if (!r.text(m.label) || !r.text(m.protocol)) return Error::malformed("relay data: bad label or protocol");
  m.binary = flags & kBinary;
  if (flags & kStamped) {
    uint8_t mask = 0;
    if (!r.u8(mask) || mask == 0 || mask >= (1u << MediaStamp::kMaxLayers)) return Error::malformed("relay data: bad stamp");
    MediaStamp stamp{(flags & kStampVideo) ? MediaKind::kVideo : MediaKind::kAudio, {}};
    for (size_t l = 0; l < MediaStamp::kMaxLayers; ++l) {
      if (!(mask & (1u << l))) continue;
      uint32_t ts = 0;
      if (!r.u32(ts)) return Error::truncated("relay data: truncated stamp");
      stamp.layerTimestamps[l] = ts;
    }
    m.stamp = stamp;
  } else if (flags & kStampVideo) {
    return Error::malformed("relay data: stamp kind without a stamp");
  }
  const auto rest = r.rest();
  m.bytes = std::make_shared<const std::vector<uint8_t>>(rest.begin(), rest.end());
  return m;
}

}  // namespace rtcgate::sfu
