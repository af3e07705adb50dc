#include "edge/sei_metadata.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "base/base64.h"
#include "media/annex_b.h"

namespace rtcgate::edge {

namespace {

// UTF-8 text without control bytes other than tab and line ends: shown as a string.
bool isText(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = s[i];
    size_t n = 0;
    if (c < 0x80) {
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      n = 1;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      n = 3;
    } else {
      return false;
    }
    if (s.size() - i - 1 < n) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((s[i + k] & 0xc0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

std::string uuidText(const media::SeiUuid& u) {
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return out;
}

}  // namespace

void SeiMetadataReader::read(const media::MediaFrame& frame, std::vector<std::string>& out) {
  if (frame.codec != media::MediaCodec::kH264) return;
  media::AnnexBReader nals(frame.data);
  std::span<const uint8_t> nal;
  while (nals.next(nal)) {
    if (media::nalType(nal[0]) != media::kNalSei) continue;
    found_.clear();
    if (!reader_.read(nal, found_).ok()) continue;
    for (const auto& sei : found_) {
      if (sei.uuid == media::kX264SeiUuid) continue;
      // Encoders often end a string with NUL bytes: not part of the text.
      auto payload = sei.payload;
      while (!payload.empty() && payload.back() == 0) payload = payload.first(payload.size() - 1);
      nlohmann::json j{{"type", "sei"}, {"uuid", uuidText(sei.uuid)}};
      auto parsed = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
      if (!parsed.is_discarded()) {
        j["data"] = std::move(parsed);
      } else if (isText(payload)) {
        j["data"] = std::string(payload.begin(), payload.end());
      } else {
        j["data"] = toBase64(sei.payload);
        j["encoding"] = "base64";
      }
      out.push_back(j.dump());
    }
  }
}

}  // namespace rtcgate::edge
