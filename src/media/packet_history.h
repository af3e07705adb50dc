#pragma once
// PacketHistory: the retransmission buffer of one track, indexed by RTP sequence number.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/packet_buffer.h"

namespace rtcgate::media {

// Holds shared references to a track's recent packets so every subscriber's NACKs are
// answered from one copy (DESIGN.md §5). A ring indexed by the low bits of the sequence
// number: a newer packet overwrites the slot of the one `capacity` packets before it, and
// packets older than the maximum age are released as newer ones arrive (a slow track — a
// low simulcast layer, audio — would otherwise hold many seconds of buffers in a ring sized
// for a fast one).
class PacketHistory {
 public:
  static constexpr int64_t kDefaultMaxAgeUs = 1'000'000;

  // `capacity` is rounded up to a power of two (e.g. 512 for video, 128 for audio).
  explicit PacketHistory(size_t capacity, int64_t maxAgeUs = kDefaultMaxAgeUs);

  void insert(uint16_t seq, PacketRef packet, int64_t nowUs) noexcept;
  // The packet stored under `seq`; null when never stored, overwritten, or older than the
  // maximum age (a packet that old is useless to the receiver, and after 65536 packets
  // the same slot could hold a different packet with the same number).
  PacketRef find(uint16_t seq, int64_t nowUs) const noexcept;
  // Same as find(), without touching the reference count.
  const PacketRef* peek(uint16_t seq, int64_t nowUs) const noexcept;

  void clear() noexcept;
  size_t capacity() const noexcept { return slots_.size(); }
  int64_t maxAgeUs() const noexcept { return maxAgeUs_; }

 private:
  struct Slot {
    PacketRef packet;
    int64_t insertedUs = 0;
    uint16_t seq = 0;
  };

  static constexpr int kReleasePerInsert = 4;  // bounded work per packet
  void releaseExpired(size_t newest, int64_t nowUs) noexcept;

  std::vector<Slot> slots_;  // sized once at construction
  size_t mask_;
  int64_t maxAgeUs_;
  size_t oldest_ = 0;  // slot where the oldest packet still held may be
  bool started_ = false;
};

}  // namespace rtcgate::media
