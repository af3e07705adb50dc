#include "media/h264_sps.h"

namespace rtcgate::media {
namespace {

// MSB-first bit reader over a NAL unit payload that drops emulation prevention bytes
// (00 00 03 → 00 00, §7.4.1) as it goes, so the SPS needs no unescaped copy.
class RbspReader {
 public:
  explicit RbspReader(std::span<const uint8_t> payload) noexcept : data_(payload) {}

  bool bit(uint32_t& out) noexcept {
    if (bitsLeft_ == 0 && !loadByte()) return false;
    --bitsLeft_;
    out = (current_ >> bitsLeft_) & 1u;
    return true;
  }
  // u(n), n <= 32 (§7.2).
  bool bits(unsigned n, uint32_t& out) noexcept {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      uint32_t b = 0;
      if (!bit(b)) return false;
      v = v << 1 | b;
    }
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool flag(bool& out) noexcept {
    uint32_t b = 0;
    if (!bit(b)) return false;
    out = b != 0;
    return true;
  }
  // ue(v), Exp-Golomb (§9.1): leadingZeroBits zeros, a one, then that many bits.
  bool ue(uint32_t& out) noexcept {
    unsigned zeros = 0;
    for (uint32_t b = 0;; ++zeros) {
      if (!bit(b)) return false;
      if (b) break;
      if (zeros == 31) return false;  // codeNum would not fit 32 bits
    }
    uint32_t suffix = 0;
    if (!bits(zeros, suffix)) return false;
    out = static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + suffix);
    return true;
  }
  // se(v) (§9.1.1): codeNum k maps to (-1)^(k+1) * Ceil(k / 2).
  bool se(int32_t& out) noexcept {
    uint32_t k = 0;
    if (!ue(k)) return false;
    const auto magnitude = static_cast<int64_t>((uint64_t{k} + 1) / 2);
    out = static_cast<int32_t>((k & 1) ? magnitude : -magnitude);
    return true;
  }

 private:
  bool loadByte() noexcept {
    if (pos_ < data_.size() && zeros_ >= 2 && data_[pos_] == 3) {
      ++pos_;  // emulation_prevention_three_byte
      zeros_ = 0;
    }
    if (pos_ >= data_.size()) return false;
    current_ = data_[pos_++];
    zeros_ = current_ == 0 ? zeros_ + 1 : 0;
    bitsLeft_ = 8;
    return true;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  unsigned zeros_ = 0;  // zero bytes just read, for spotting 00 00 03
  uint8_t current_ = 0;
  unsigned bitsLeft_ = 0;
};

// Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.
bool hasChromaInfo(uint8_t profile) noexcept {
  constexpr uint8_t kProfiles[] = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};
  for (uint8_t p : kProfiles) {
    if (p == profile) return true;
  }
  return false;
}

// scaling_list() (§7.3.2.1.1.1): only walked past, the values are not needed.
Status skipScalingList(RbspReader& r, unsigned size) noexcept {
  int32_t lastScale = 8;
  int32_t nextScale = 8;
  for (unsigned j = 0; j < size && nextScale != 0; ++j) {
    int32_t delta = 0;
    if (!r.se(delta)) return Error::truncated("sps scaling list");
    if (delta < -128 || delta > 127) return Error::malformed("sps scaling list delta");
    nextScale = (lastScale + delta + 256) % 256;
    if (nextScale != 0) lastScale = nextScale;
  }
  return {};
}

// The high-profile block between seq_parameter_set_id and log2_max_frame_num_minus4.
Status readChromaInfo(RbspReader& r, H264Sps& s, bool& separatePlanes) noexcept {
  uint32_t chroma = 0;
  uint32_t depthLuma = 0;
  uint32_t depthChroma = 0;
  bool bypass = false;
  bool matrices = false;
  if (!r.ue(chroma)) return Error::truncated("sps chroma_format_idc");
  if (chroma > 3) return Error::malformed("sps chroma_format_idc");
  if (chroma == 3 && !r.flag(separatePlanes)) return Error::truncated("sps separate_colour_plane_flag");
  if (!r.ue(depthLuma) || !r.ue(depthChroma) || !r.flag(bypass) || !r.flag(matrices))
    return Error::truncated("sps bit depth");
  if (depthLuma > 6 || depthChroma > 6) return Error::malformed("sps bit depth");
  s.chromaFormatIdc = static_cast<uint8_t>(chroma);
  s.bitDepthLuma = static_cast<uint8_t>(8 + depthLuma);
  s.bitDepthChroma = static_cast<uint8_t>(8 + depthChroma);
  if (!matrices) return {};
  const unsigned lists = chroma == 3 ? 12 : 8;
  for (unsigned i = 0; i < lists; ++i) {
    bool present = false;
    if (!r.flag(present)) return Error::truncated("sps scaling list flag");
    if (present) RTCGATE_TRY(skipScalingList(r, i < 6 ? 16 : 64));
  }
  return {};
}

// pic_order_cnt_type and the fields that depend on it.
Status skipPicOrderCount(RbspReader& r) noexcept {
  uint32_t type = 0;
  if (!r.ue(type)) return Error::truncated("sps pic_order_cnt_type");
  if (type > 2) return Error::malformed("sps pic_order_cnt_type");
  if (type == 0) {
    uint32_t log2Lsb = 0;
    if (!r.ue(log2Lsb)) return Error::truncated("sps log2_max_pic_order_cnt_lsb");
    if (log2Lsb > 12) return Error::malformed("sps log2_max_pic_order_cnt_lsb");
  } else if (type == 1) {
    bool alwaysZero = false;
    int32_t offset = 0;
    uint32_t cycle = 0;
    if (!r.flag(alwaysZero) || !r.se(offset) || !r.se(offset) || !r.ue(cycle))
      return Error::truncated("sps pic order cycle");
    if (cycle > 255) return Error::malformed("sps num_ref_frames_in_pic_order_cnt_cycle");
    for (uint32_t i = 0; i < cycle; ++i) {
      if (!r.se(offset)) return Error::truncated("sps offset_for_ref_frame");
    }
  }
  return {};
}

// Picture size in macroblocks and the cropping rectangle (§7.4.2.1.1, equations 7-18 to 7-22).
Status readPictureSize(RbspReader& r, H264Sps& s, bool separatePlanes) noexcept {
  uint32_t refFrames = 0;
  bool gaps = false;
  uint32_t widthMbs = 0;
  uint32_t heightMapUnits = 0;
  if (!r.ue(refFrames) || !r.flag(gaps) || !r.ue(widthMbs) || !r.ue(heightMapUnits) || !r.flag(s.frameMbsOnly))
    return Error::truncated("sps picture size");
  bool flag = false;
  if (!s.frameMbsOnly && !r.flag(flag)) return Error::truncated("sps mb_adaptive_frame_field_flag");
  bool cropping = false;
  if (!r.flag(flag) || !r.flag(cropping)) return Error::truncated("sps frame_cropping_flag");
  uint32_t crop[4] = {0, 0, 0, 0};  // left, right, top, bottom
  if (cropping && !(r.ue(crop[0]) && r.ue(crop[1]) && r.ue(crop[2]) && r.ue(crop[3])))
    return Error::truncated("sps frame cropping");

  const uint64_t fieldFactor = s.frameMbsOnly ? 1 : 2;
  const uint64_t chromaArrayType = separatePlanes ? 0 : s.chromaFormatIdc;
  const uint64_t subWidth = chromaArrayType == 0 || chromaArrayType == 3 ? 1 : 2;
  const uint64_t subHeight = chromaArrayType == 1 ? 2 : 1;
  const uint64_t cropUnitX = subWidth;
  const uint64_t cropUnitY = subHeight * fieldFactor;
  const uint64_t fullWidth = (uint64_t{widthMbs} + 1) * 16;
  const uint64_t fullHeight = (uint64_t{heightMapUnits} + 1) * 16 * fieldFactor;
  const uint64_t cropX = cropUnitX * (uint64_t{crop[0]} + crop[1]);
  const uint64_t cropY = cropUnitY * (uint64_t{crop[2]} + crop[3]);
  if (cropX >= fullWidth || cropY >= fullHeight) return Error::malformed("sps crops the whole picture");
  if (fullWidth - cropX > 0xFFFF || fullHeight - cropY > 0xFFFF) return Error::unsupported("sps picture size");
  s.width = static_cast<uint16_t>(fullWidth - cropX);
  s.height = static_cast<uint16_t>(fullHeight - cropY);
  return {};
}

// vui_parameters() (Annex E.1.1) as far as timing_info; false when it runs out early.
bool readVuiFrameRate(RbspReader& r, double& frameRate) noexcept {
  bool present = false;
  uint32_t v = 0;
  if (!r.flag(present)) return false;  // aspect_ratio_info_present_flag
  if (present) {
    if (!r.bits(8, v)) return false;
    if (v == 255 && !r.bits(32, v)) return false;  // Extended_SAR: sar_width, sar_height
  }
  if (!r.flag(present)) return false;  // overscan_info_present_flag
  if (present && !r.bit(v)) return false;
  if (!r.flag(present)) return false;  // video_signal_type_present_flag
  if (present) {
    if (!r.bits(4, v) || !r.flag(present)) return false;  // video_format, full_range, colour
    if (present && !r.bits(24, v)) return false;
  }
  if (!r.flag(present)) return false;  // chroma_loc_info_present_flag
  if (present && !(r.ue(v) && r.ue(v))) return false;
  if (!r.flag(present)) return false;  // timing_info_present_flag
  if (!present) return true;
  uint32_t unitsInTick = 0;
  uint32_t timeScale = 0;
  if (!r.bits(32, unitsInTick) || !r.bits(32, timeScale)) return false;
  if (unitsInTick != 0 && timeScale != 0) frameRate = double(timeScale) / (2.0 * unitsInTick);
  return true;
}

}  // namespace

// ITU-T H.264 §7.3.2.1.1 seq_parameter_set_data(), after the §7.3.1 NAL unit header.
Result<H264Sps> H264Sps::parse(std::span<const uint8_t> nal) noexcept {
  if (nal.empty()) return Error::truncated("sps nal header");
  if ((nal[0] & 0x1F) != 7) return Error::malformed("nal unit is not an sps");
  RbspReader r(nal.subspan(1));
  H264Sps s;
  uint32_t v = 0;
  if (!r.bits(8, v)) return Error::truncated("sps profile_idc");
  s.profileIdc = static_cast<uint8_t>(v);
  if (!r.bits(8, v)) return Error::truncated("sps constraint flags");
  s.constraintFlags = static_cast<uint8_t>(v);
  if (!r.bits(8, v)) return Error::truncated("sps level_idc");
  s.levelIdc = static_cast<uint8_t>(v);
  if (!r.ue(v)) return Error::truncated("sps seq_parameter_set_id");
  if (v > 31) return Error::malformed("sps seq_parameter_set_id");
  s.spsId = static_cast<uint8_t>(v);
  bool separatePlanes = false;
  if (hasChromaInfo(s.profileIdc)) RTCGATE_TRY(readChromaInfo(r, s, separatePlanes));
  if (!r.ue(v)) return Error::truncated("sps log2_max_frame_num_minus4");
  if (v > 12) return Error::malformed("sps log2_max_frame_num_minus4");
  RTCGATE_TRY(skipPicOrderCount(r));
  RTCGATE_TRY(readPictureSize(r, s, separatePlanes));
  bool vui = false;
  if (!r.flag(vui)) return Error::truncated("sps vui_parameters_present_flag");
  if (vui && !readVuiFrameRate(r, s.frameRate)) s.frameRate = 0;
  return s;
}

}  // namespace rtcgate::media
