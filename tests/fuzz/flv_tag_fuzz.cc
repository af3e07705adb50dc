// Fuzz target: FLV video/audio tag parsing (legacy and Enhanced RTMP), the sequence
// headers they carry, NAL unit walking, and a rebuild of every tag that parsed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "wire/rtmp/aac_config.h"
#include "wire/rtmp/avc_config.h"
#include "wire/rtmp/flv_tag.h"
#include "wire/rtmp/nal_units.h"

using namespace rtcgate::wire::rtmp;

namespace {

void video(std::span<const uint8_t> bytes) {
  auto t = VideoTag::parse(bytes);
  if (!t.ok()) return;
  if (t->kind == PacketKind::kSequenceHeader && t->fourCc == kFourCcAvc) {
    auto c = AvcConfig::parse(t->data);
    if (c.ok()) {
      std::vector<uint8_t> out(c->size());
      if (!c->serializeTo(out).ok() || !AvcConfig::parse(out).ok()) std::abort();
    }
  }
  if (t->kind == PacketKind::kCodedFrames) {
    AvccIterator it(t->data, 4);
    std::span<const uint8_t> nal;
    for (auto more = it.next(nal); more.ok() && *more; more = it.next(nal)) {
    }
    std::vector<uint8_t> annexB(t->data.size() * 4);
    auto n = avccToAnnexB(t->data, 4, annexB);
    if (n.ok()) {
      std::vector<uint8_t> avcc(avccSizeOfAnnexB(std::span(annexB).first(*n)));
      if (!annexBToAvcc(std::span(annexB).first(*n), avcc).ok()) std::abort();
    }
  }
  std::vector<uint8_t> out(t->headerSize() + t->data.size());
  auto n = t->serializeTo(out);
  if (!n.ok() || *n != out.size()) std::abort();
  auto back = VideoTag::parse(out);
  if (!back.ok() || back->kind != t->kind || back->fourCc != t->fourCc ||
      back->data.size() != t->data.size()) {
    std::abort();
  }
}

void audio(std::span<const uint8_t> bytes) {
  auto t = AudioTag::parse(bytes);
  if (!t.ok()) return;
  if (t->kind == PacketKind::kSequenceHeader && t->fourCc == kFourCcAac) {
    auto c = AacConfig::parse(t->data);
    std::array<uint8_t, 8> out{};
    if (c.ok() && c->serializeTo(out).ok() && !AacConfig::parse(out).ok()) std::abort();
  }
  std::vector<uint8_t> out(t->headerSize() + t->data.size());
  auto n = t->serializeTo(out);
  if (!n.ok() || *n != out.size()) std::abort();
  auto back = AudioTag::parse(out);
  if (!back.ok() || back->kind != t->kind || back->data.size() != t->data.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  video(bytes);
  audio(bytes);
  std::span<const uint8_t> nal;
  rtcgate::wire::payload::AnnexBReader it(bytes);
  while (it.next(nal)) {
  }
  return 0;
}
