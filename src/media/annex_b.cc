#include "media/annex_b.h"

namespace rtcgate::media {

void appendNal(std::vector<uint8_t>& out, std::span<const uint8_t> nal) {
  out.insert(out.end(), std::begin(kAnnexBStartCode), std::end(kAnnexBStartCode));
  out.insert(out.end(), nal.begin(), nal.end());
}

std::vector<uint8_t> normalizeAnnexB(std::span<const uint8_t> annexB) {
  std::vector<uint8_t> out;
  out.reserve(annexB.size() + 16);
  AnnexBReader reader(annexB);
  std::span<const uint8_t> nal;
  while (reader.next(nal)) appendNal(out, nal);
  return out;
}

}  // namespace rtcgate::media
