#include "wire/sdp/codec_capability.h"

#include <algorithm>
#include <cstdio>

#include "base/hex.h"
#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {
namespace {

std::vector<RtcpFb> videoFeedback() {
  return {{-1, "goog-remb", ""}, {-1, "transport-cc", ""}, {-1, "ccm", "fir"}, {-1, "nack", ""}, {-1, "nack", "pli"}};
}

CodecCapability video(std::string name, std::vector<FmtpParam> fmtp) {
  return CodecCapability{"video", std::move(name), 90000, 0, std::move(fmtp), videoFeedback(), true};
}

using Profile = H264ProfileLevel::Profile;

// RFC 6184 §8.1 table 5 (and its Constrained High addition in later H.264 editions):
// a profile is profile_idc plus a mask/value test on the constraint flags (profile-iop).
struct ProfilePattern {
  uint8_t idc;
  uint8_t mask;
  uint8_t value;
  Profile profile;
};
constexpr ProfilePattern kProfilePatterns[] = {
    {0x42, 0x4f, 0x40, Profile::kConstrainedBaseline},  // x1xx0000
    {0x4d, 0x8f, 0x80, Profile::kConstrainedBaseline},  // 1xxx0000
    {0x58, 0xcf, 0xc0, Profile::kConstrainedBaseline},  // 11xx0000
    {0x42, 0x4f, 0x00, Profile::kBaseline},             // x0xx0000
    {0x58, 0xcf, 0x80, Profile::kBaseline},             // 10xx0000
    {0x58, 0xcf, 0x00, Profile::kExtended},             // 00xx0000
    {0x4d, 0xaf, 0x00, Profile::kMain},                 // 0x0x0000
    {0x64, 0xff, 0x00, Profile::kHigh},                 // 00000000
    {0x64, 0xff, 0x0c, Profile::kConstrainedHigh},      // 00001100
};

// Level 1b is level_idc 11 with constraint_set3 in Baseline/Main (RFC 6184 §8.1): rank it
// between 1.0 and 1.1 so levels compare by capability.
int levelRank(const H264ProfileLevel& p) {
  bool level1b = p.levelIdc == 11 && (p.profileIop & 0x10) != 0 &&
                 (p.profile == Profile::kBaseline || p.profile == Profile::kConstrainedBaseline ||
                  p.profile == Profile::kMain);
  return level1b ? 105 : p.levelIdc * 10;
}

std::string profileLevelHex(const H264ProfileLevel& p, uint8_t levelIdc) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%02x%02x%02x", p.profileIdc, p.profileIop, levelIdc);
  return buf;
}

// RFC 6184 §8.2.2: same profile and packetization-mode; the answer level is at most the
// offered one (ours if lower). Default packetization-mode is 0, default profile 42000a.
std::optional<std::vector<FmtpParam>> matchH264(const CodecCapability& cap, const std::vector<FmtpParam>& offered) {
  auto offeredMode = findFmtpParam(offered, "packetization-mode").value_or("0");
  auto wantedMode = findFmtpParam(cap.fmtp, "packetization-mode").value_or("0");
  if (offeredMode != wantedMode) return std::nullopt;
  auto theirs = H264ProfileLevel::parse(findFmtpParam(offered, "profile-level-id").value_or("42000a"));
  auto ours = H264ProfileLevel::parse(findFmtpParam(cap.fmtp, "profile-level-id").value_or("42000a"));
  if (!theirs || !ours || theirs->profile != ours->profile || theirs->profile == Profile::kOther) return std::nullopt;
  uint8_t level = levelRank(*theirs) <= levelRank(*ours) ? theirs->levelIdc : ours->levelIdc;
  H264ProfileLevel answer = *ours;
  if (level == theirs->levelIdc) answer.profileIop = (answer.profileIop & ~0x10) | (theirs->profileIop & 0x10);
  std::vector<FmtpParam> out;
  if (findFmtpParam(offered, "level-asymmetry-allowed") == "1") out.emplace_back("level-asymmetry-allowed", "1");
  out.emplace_back("packetization-mode", std::string(wantedMode));
  out.emplace_back("profile-level-id", profileLevelHex(answer, level));
  return out;
}

// VP9 profile-id and AV1 profile must be equal (both default to 0).
std::optional<std::vector<FmtpParam>> matchProfileParam(const CodecCapability& cap,
                                                        const std::vector<FmtpParam>& offered, const char* key) {
  auto theirs = findFmtpParam(offered, key).value_or("0");
  auto ours = findFmtpParam(cap.fmtp, key).value_or("0");
  if (theirs != ours) return std::nullopt;
  return offered;  // echo the offerer's parameters (e.g. AV1 level-idx, tier)
}

// Opus (RFC 7587 §7): keep the offerer's receive-side hints we also honour.
std::vector<FmtpParam> opusAnswerFmtp(const std::vector<FmtpParam>& offered) {
  std::vector<FmtpParam> out;
  for (const char* key : {"minptime", "useinbandfec", "stereo", "sprop-stereo"})
    if (auto v = findFmtpParam(offered, key)) out.emplace_back(key, std::string(*v));
  if (out.empty()) out = {{"minptime", "10"}, {"useinbandfec", "1"}};
  return out;
}

}  // namespace

std::optional<H264ProfileLevel> H264ProfileLevel::parse(std::string_view hex) {
  if (hex.size() != 6) return std::nullopt;
  auto bytes = fromHex(hex);
  if (bytes.size() != 3) return std::nullopt;
  H264ProfileLevel p;
  p.profileIdc = bytes[0];
  p.profileIop = bytes[1];
  p.levelIdc = bytes[2];
  for (const auto& pat : kProfilePatterns) {
    if (pat.idc == p.profileIdc && (p.profileIop & pat.mask) == pat.value) {
      p.profile = pat.profile;
      break;
    }
  }
  return p;
}

std::vector<CodecCapability> defaultVideoCodecs() {
  return {
      video("VP8", {}),
      video("VP9", {{"profile-id", "0"}}),
      video("H264", {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"}, {"profile-level-id", "42e01f"}}),
      video("AV1", {{"profile", "0"}}),
  };
}

std::vector<CodecCapability> defaultAudioCodecs() {
  return {CodecCapability{"audio", "opus", 48000, 2, {{"minptime", "10"}, {"useinbandfec", "1"}},
                          {{-1, "transport-cc", ""}}, false}};
}

std::optional<std::vector<FmtpParam>> matchCodec(const CodecCapability& cap, const Rtpmap& map,
                                                 const std::vector<FmtpParam>& offered) {
  if (!equalsIgnoreCase(cap.name, map.encoding) || cap.clockRate != map.clockRate) return std::nullopt;
  if (cap.channels != 0 && std::max<uint16_t>(map.channels, 1) != cap.channels) return std::nullopt;
  if (equalsIgnoreCase(cap.name, "H264")) return matchH264(cap, offered);
  if (equalsIgnoreCase(cap.name, "VP9")) return matchProfileParam(cap, offered, "profile-id");
  if (equalsIgnoreCase(cap.name, "AV1")) return matchProfileParam(cap, offered, "profile");
  if (equalsIgnoreCase(cap.name, "opus")) return opusAnswerFmtp(offered);
  return offered;
}

}  // namespace rtcgate::wire::sdp
