#include "media/packet_history.h"

#include <bit>
#include <utility>

namespace rtcgate::media {

PacketHistory::PacketHistory(size_t capacity, int64_t maxAgeUs)
    : slots_(std::bit_ceil(capacity < 1 ? size_t{1} : capacity)),
      mask_(slots_.size() - 1),
      maxAgeUs_(maxAgeUs) {}

void PacketHistory::insert(uint16_t seq, PacketRef packet, int64_t nowUs) noexcept {
  const size_t index = seq & mask_;
  Slot& s = slots_[index];
  s.packet = std::move(packet);
  s.insertedUs = nowUs;
  s.seq = seq;
  if (!started_) {
    started_ = true;
    oldest_ = index;
  }
  releaseExpired(index, nowUs);
}

// Walks from the oldest slot towards the newest, releasing what aged out, and stops at the
// first packet still young enough to be resent.
void PacketHistory::releaseExpired(size_t newest, int64_t nowUs) noexcept {
  for (int i = 0; i < kReleasePerInsert && oldest_ != newest; ++i) {
    Slot& s = slots_[oldest_];
    if (s.packet && nowUs - s.insertedUs <= maxAgeUs_) return;
    s.packet.reset();
    oldest_ = (oldest_ + 1) & mask_;
  }
}

const PacketRef* PacketHistory::peek(uint16_t seq, int64_t nowUs) const noexcept {
  const Slot& s = slots_[seq & mask_];
  if (!s.packet || s.seq != seq || nowUs - s.insertedUs > maxAgeUs_) return nullptr;
  return &s.packet;
}

PacketRef PacketHistory::find(uint16_t seq, int64_t nowUs) const noexcept {
  const PacketRef* p = peek(seq, nowUs);
  return p ? *p : PacketRef();
}

void PacketHistory::clear() noexcept {
  for (Slot& s : slots_) s.packet.reset();
  started_ = false;
}

}  // namespace rtcgate::media
