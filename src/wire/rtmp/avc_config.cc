#include "wire/rtmp/avc_config.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {
namespace {

// numOfSequenceParameterSets / numOfPictureParameterSets entries: 16-bit length + NAL.
Status readSets(ByteReader& r, size_t count,
                std::array<std::span<const uint8_t>, AvcConfig::kMaxParameterSets>& out,
                uint8_t& stored) noexcept {
  if (count > AvcConfig::kMaxParameterSets)
    return Error::unsupported("avc config has too many parameter sets");
  for (size_t i = 0; i < count; ++i) {
    uint16_t len = 0;
    if (!r.readU16(len)) return Error::truncated("avc parameter set length");
    if (len == 0) return Error::malformed("avc parameter set empty");
    if (!r.readBytes(len, out[i])) return Error::truncated("avc parameter set");
  }
  stored = static_cast<uint8_t>(count);
  return {};
}

}  // namespace

// ISO/IEC 14496-15 §5.3.3.1.2: version, profile, compatibility, level,
// 6 reserved bits + lengthSizeMinusOne, 3 reserved bits + SPS count, SPSs, PPS count, PPSs.
Result<AvcConfig> AvcConfig::parse(std::span<const uint8_t> record) noexcept {
  ByteReader r(record);
  AvcConfig c;
  uint8_t version = 0;
  uint8_t lengthByte = 0;
  uint8_t spsByte = 0;
  uint8_t ppsCount = 0;
  if (!r.readU8(version) || !r.readU8(c.profile) || !r.readU8(c.profileCompatibility) || !r.readU8(c.level) ||
      !r.readU8(lengthByte) || !r.readU8(spsByte)) {
    return Error::truncated("avc config header");
  }
  if (version != 1) return Error::malformed("avc config version is not 1");
  c.nalLengthSize = static_cast<uint8_t>((lengthByte & 0x03) + 1);
  if (c.nalLengthSize == 3) return Error::malformed("avc nal length size 3");
  RTCGATE_TRY(readSets(r, spsByte & 0x1F, c.sps, c.spsCount));
  if (!r.readU8(ppsCount)) return Error::truncated("avc config pps count");
  RTCGATE_TRY(readSets(r, ppsCount, c.pps, c.ppsCount));
  return c;
}

size_t AvcConfig::size() const noexcept {
  size_t n = 7;
  for (auto s : spsList()) n += 2 + s.size();
  for (auto p : ppsList()) n += 2 + p.size();
  return n;
}

Result<size_t> AvcConfig::serializeTo(std::span<uint8_t> out) const noexcept {
  if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4)
    return Error::malformed("avc nal length size");
  ByteWriter w(out);
  w.writeU8(1);
  w.writeU8(profile);
  w.writeU8(profileCompatibility);
  w.writeU8(level);
  w.writeU8(static_cast<uint8_t>(0xFC | (nalLengthSize - 1)));
  w.writeU8(static_cast<uint8_t>(0xE0 | spsCount));
  for (auto s : spsList()) {
    if (s.size() > 0xFFFF) return Error::malformed("avc parameter set too long");
    w.writeU16(static_cast<uint16_t>(s.size()));
    w.writeBytes(s);
  }
  w.writeU8(ppsCount);
  for (auto p : ppsList()) {
    if (p.size() > 0xFFFF) return Error::malformed("avc parameter set too long");
    w.writeU16(static_cast<uint16_t>(p.size()));
    w.writeBytes(p);
  }
  if (w.overflowed()) return Error::noSpace("avc config");
  return w.size();
}

Result<AvcConfig> AvcConfig::fromParameterSets(std::span<const uint8_t> sps,
                                               std::span<const uint8_t> pps) noexcept {
  // H.264 §7.3.2.1.1: NAL header, profile_idc, constraint flags, level_idc.
  if (sps.size() < 4) return Error::truncated("sps shorter than 4 bytes");
  if ((sps[0] & 0x1F) != 7) return Error::malformed("first parameter set is not an sps");
  if (pps.empty() || (pps[0] & 0x1F) != 8) return Error::malformed("second parameter set is not a pps");
  AvcConfig c;
  c.profile = sps[1];
  c.profileCompatibility = sps[2];
  c.level = sps[3];
  c.sps[0] = sps;
  c.pps[0] = pps;
  c.spsCount = 1;
  c.ppsCount = 1;
  return c;
}

}  // namespace rtcgate::wire::rtmp
