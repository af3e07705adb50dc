#include "packetizer.h"

#include <algorithm>

namespace rtcgate::load {
namespace {

constexpr uint8_t kVp8X = 0x80, kVp8S = 0x10, kVp8I = 0x80, kVp8L = 0x40, kVp8T = 0x20, kVp8K = 0x10;
constexpr uint8_t kNalIdr = 5, kNalSps = 7, kNalPps = 8, kStapA = 24, kFuA = 28;

uint8_t nalType(uint8_t header) noexcept { return header & 0x1f; }

void appendStartCode(std::vector<uint8_t>& out, std::span<const uint8_t> nal) {
  static constexpr uint8_t kStart[] = {0, 0, 0, 1};
  out.insert(out.end(), std::begin(kStart), std::end(kStart));
  out.insert(out.end(), nal.begin(), nal.end());
}

// Emits the FU-A fragments of one NAL unit (RFC 6184 §5.8).
void fragment(std::span<const uint8_t> nal, size_t maxPayload, std::vector<RtpPayload>& out) {
  const uint8_t indicator = static_cast<uint8_t>((nal[0] & 0xe0) | kFuA);
  const uint8_t type = nalType(nal[0]);
  const size_t chunk = maxPayload - 2;
  for (size_t pos = 1; pos < nal.size(); pos += chunk) {
    const size_t n = std::min(chunk, nal.size() - pos);
    RtpPayload p;
    p.bytes.reserve(n + 2);
    p.bytes.push_back(indicator);
    uint8_t fu = type;
    if (pos == 1) fu |= 0x80;                    // S
    if (pos + n == nal.size()) fu |= 0x40;       // E
    p.bytes.push_back(fu);
    p.bytes.insert(p.bytes.end(), nal.begin() + static_cast<ptrdiff_t>(pos), nal.begin() + static_cast<ptrdiff_t>(pos + n));
    out.push_back(std::move(p));
  }
}

}  // namespace

std::vector<RtpPayload> packetizeVp8(std::span<const uint8_t> frame, size_t maxPayload) {
  std::vector<RtpPayload> out;
  const size_t chunk = maxPayload - kVp8DescriptorSize;
  for (size_t pos = 0; pos < frame.size() || pos == 0; pos += chunk) {
    const size_t n = std::min(chunk, frame.size() - pos);
    RtpPayload p;
    p.bytes.reserve(n + kVp8DescriptorSize);
    p.bytes.push_back(static_cast<uint8_t>(kVp8X | (pos == 0 ? kVp8S : 0)));  // partition 0
    p.bytes.push_back(kVp8I);
    p.bytes.push_back(0x80);  // M: 15-bit PictureID
    p.bytes.push_back(0);
    p.bytes.insert(p.bytes.end(), frame.begin() + static_cast<ptrdiff_t>(pos), frame.begin() + static_cast<ptrdiff_t>(pos + n));
    out.push_back(std::move(p));
    if (frame.empty()) break;
  }
  out.back().marker = true;
  return out;
}

void setVp8PictureId(std::span<uint8_t> payload, uint16_t pictureId) noexcept {
  if (payload.size() < kVp8DescriptorSize) return;
  payload[2] = static_cast<uint8_t>(0x80 | ((pictureId >> 8) & 0x7f));
  payload[3] = static_cast<uint8_t>(pictureId);
}

std::vector<std::span<const uint8_t>> splitAnnexB(std::span<const uint8_t> b) {
  std::vector<std::span<const uint8_t>> nals;
  size_t i = 0, start = SIZE_MAX;
  while (i + 2 < b.size()) {
    if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
      if (start != SIZE_MAX) {
        size_t end = i;
        while (end > start && b[end - 1] == 0) --end;  // the zero of a 4-byte start code
        if (end > start) nals.push_back(b.subspan(start, end - start));
      }
      i += 3;
      start = i;
    } else {
      ++i;
    }
  }
  if (start != SIZE_MAX && start < b.size()) nals.push_back(b.subspan(start));
  return nals;
}

std::vector<RtpPayload> packetizeH264(std::span<const uint8_t> annexB, size_t maxPayload) {
  std::vector<RtpPayload> out;
  const auto nals = splitAnnexB(annexB);
  for (size_t i = 0; i < nals.size(); ++i) {
    const auto nal = nals[i];
    // RFC 6184 §5.7.1: SPS + PPS in one STAP-A when both fit.
    if (nalType(nal[0]) == kNalSps && i + 1 < nals.size() && nalType(nals[i + 1][0]) == kNalPps &&
        nal.size() + nals[i + 1].size() + 5 <= maxPayload) {
      RtpPayload p;
      p.bytes.push_back(static_cast<uint8_t>((std::max(nal[0] & 0x60, nals[i + 1][0] & 0x60)) | kStapA));
      for (auto part : {nal, nals[i + 1]}) {
        p.bytes.push_back(static_cast<uint8_t>(part.size() >> 8));
        p.bytes.push_back(static_cast<uint8_t>(part.size()));
        p.bytes.insert(p.bytes.end(), part.begin(), part.end());
      }
      out.push_back(std::move(p));
      ++i;
    } else if (nal.size() <= maxPayload) {
      out.push_back(RtpPayload{{nal.begin(), nal.end()}, false});
    } else {
      fragment(nal, maxPayload, out);
    }
  }
  if (!out.empty()) out.back().marker = true;
  return out;
}

std::span<const uint8_t> vp8FrameBytes(std::span<const uint8_t> p) noexcept {
  if (p.empty()) return {};
  size_t n = 1;
  if (p[0] & kVp8X) {
    if (p.size() < 2) return {};
    const uint8_t x = p[1];
    n = 2;
    if (x & kVp8I) {
      if (p.size() <= n) return {};
      n += (p[n] & 0x80) ? 2 : 1;
    }
    if (x & kVp8L) ++n;
    if (x & (kVp8T | kVp8K)) ++n;
  }
  if (n > p.size()) return {};
  return p.subspan(n);
}

bool isVp8KeyframeStart(std::span<const uint8_t> p) noexcept {
  if (p.empty() || !(p[0] & kVp8S) || (p[0] & 0x07) != 0) return false;
  const auto frame = vp8FrameBytes(p);
  return !frame.empty() && (frame[0] & 0x01) == 0;  // RFC 7741 §4.3: P bit, 0 = key frame
}

bool isH264KeyframeStart(std::span<const uint8_t> p) noexcept {
  if (p.empty()) return false;
  const uint8_t type = nalType(p[0]);
  if (type == kNalIdr) return true;
  if (type == kFuA) return p.size() >= 2 && (p[1] & 0x80) && nalType(p[1]) == kNalIdr;
  if (type == kStapA) {
    // An SPS/PPS aggregate opens an IDR access unit in our stream and in browsers'.
    for (size_t pos = 1; pos + 2 < p.size();) {
      const size_t len = static_cast<size_t>(p[pos] << 8 | p[pos + 1]);
      if (len == 0 || pos + 2 + len > p.size()) return false;
      const uint8_t t = nalType(p[pos + 2]);
      if (t == kNalIdr || t == kNalSps) return true;
      pos += 2 + len;
    }
  }
  return false;
}

std::vector<uint8_t> depacketizeVp8(std::span<const RtpPayload> packets) {
  std::vector<uint8_t> frame;
  for (const auto& p : packets) {
    const auto bytes = vp8FrameBytes(p.bytes);
    if (bytes.empty() && p.bytes.size() != kVp8DescriptorSize) return {};
    frame.insert(frame.end(), bytes.begin(), bytes.end());
  }
  return frame;
}

std::vector<uint8_t> depacketizeH264(std::span<const RtpPayload> packets) {
  std::vector<uint8_t> au;
  for (const auto& pkt : packets) {
    const std::span<const uint8_t> p = pkt.bytes;
    if (p.empty()) return {};
    const uint8_t type = nalType(p[0]);
    if (type == kStapA) {
      for (size_t pos = 1; pos < p.size();) {
        if (pos + 2 > p.size()) return {};
        const size_t len = static_cast<size_t>(p[pos] << 8 | p[pos + 1]);
        if (pos + 2 + len > p.size()) return {};
        appendStartCode(au, p.subspan(pos + 2, len));
        pos += 2 + len;
      }
    } else if (type == kFuA) {
      if (p.size() < 2) return {};
      if (p[1] & 0x80) {
        const uint8_t header = static_cast<uint8_t>((p[0] & 0xe0) | nalType(p[1]));
        appendStartCode(au, std::span<const uint8_t>(&header, 1));
      }
      au.insert(au.end(), p.begin() + 2, p.end());
    } else {
      appendStartCode(au, p);
    }
  }
  return au;
}

std::vector<uint8_t> normalizeAnnexB(std::span<const uint8_t> annexB) {
  std::vector<uint8_t> out;
  for (auto nal : splitAnnexB(annexB)) appendStartCode(out, nal);
  return out;
}

}  // namespace rtcgate::load
