#include "media/h264_sei.h"

#include <algorithm>

#include "media/annex_b.h"

namespace rtcgate::media {

namespace {

// H.264 7.3.2.3.1: a payload type or size is a run of 0xFF bytes (255 each) and a last byte.
bool readVarByte(std::span<const uint8_t> rbsp, size_t& pos, size_t& value) {
  value = 0;
  while (pos < rbsp.size()) {
    const uint8_t b = rbsp[pos++];
    value += b;
    if (b != 0xff) return true;
    if (value > SeiReader::kMaxNalBytes) return false;
  }
  return false;
}

void writeVarByte(std::vector<uint8_t>& out, size_t value) {
  for (; value >= 255; value -= 255) out.push_back(0xff);
  out.push_back(static_cast<uint8_t>(value));
}

}  // namespace

Status SeiReader::read(std::span<const uint8_t> nal, std::vector<SeiUserData>& out) {
  if (nal.empty() || nalType(nal[0]) != kNalSei) return Error::malformed("not an SEI NAL unit");
  if (nal.size() > kMaxNalBytes) return Error::malformed("SEI NAL unit too large");
  // The RBSP: emulation prevention bytes (00 00 03) taken out (H.264 7.4.1).
  scratch_.clear();
  int zeros = 0;
  for (size_t i = 1; i < nal.size(); ++i) {
    const uint8_t b = nal[i];
    if (zeros >= 2 && b == 3) {
      zeros = 0;
      continue;
    }
    zeros = b == 0 ? zeros + 1 : 0;
    scratch_.push_back(b);
  }
  const std::span<const uint8_t> rbsp(scratch_);
  size_t pos = 0;
  // Messages until only the rbsp_trailing_bits (0x80) are left.
  while (pos < rbsp.size() && !(rbsp.size() - pos == 1 && rbsp[pos] == 0x80)) {
    size_t type = 0, size = 0;
    if (!readVarByte(rbsp, pos, type) || !readVarByte(rbsp, pos, size)) return Error::truncated("SEI message header cut short");
    if (size > rbsp.size() - pos) return Error::truncated("SEI message longer than its NAL unit");
    if (type == kSeiUserDataUnregistered && size >= 16 && out.size() < kMaxMessages) {
      SeiUserData d;
      std::copy_n(rbsp.begin() + static_cast<std::ptrdiff_t>(pos), 16, d.uuid.begin());
      d.payload = rbsp.subspan(pos + 16, size - 16);
      out.push_back(d);
    }
    pos += size;
  }
  return {};
}

std::vector<uint8_t> writeSeiUserData(const SeiUuid& uuid, std::span<const uint8_t> payload) {
  if (payload.size() > kMaxWrittenPayload) return {};
  std::vector<uint8_t> rbsp;
  rbsp.reserve(payload.size() + 24);
  writeVarByte(rbsp, kSeiUserDataUnregistered);
  writeVarByte(rbsp, uuid.size() + payload.size());
  rbsp.insert(rbsp.end(), uuid.begin(), uuid.end());
  rbsp.insert(rbsp.end(), payload.begin(), payload.end());
  rbsp.push_back(0x80);  // rbsp_trailing_bits
  // NAL header (nal_ref_idc 0, type 6), then the RBSP with emulation prevention: no 00 00
  // followed by 00-03 may appear (H.264 7.4.1).
  std::vector<uint8_t> nal{kNalSei};
  nal.reserve(rbsp.size() + rbsp.size() / 64 + 2);
  int zeros = 0;
  for (uint8_t b : rbsp) {
    if (zeros >= 2 && b <= 3) {
      nal.push_back(3);
      zeros = 0;
    }
    zeros = b == 0 ? zeros + 1 : 0;
    nal.push_back(b);
  }
  return nal;
}

}  // namespace rtcgate::media
