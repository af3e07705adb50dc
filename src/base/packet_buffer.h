#pragma once
// Packet buffers: fixed-size, reference-counted byte slabs drawn from a per-worker pool.
//
// A received packet lives in one PacketBuffer; the track's retransmission history and every
// subscriber queue hold PacketRefs to it, so a packet fanned out to N subscribers is stored
// once. Counts are not atomic: a pool and all its refs belong to one worker thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace rtcgate {

class PacketPool;

// One pooled slab. Headroom in front of the payload lets a sender prepend (e.g. an RTX
// OSN) without a copy; the tail room absorbs an SRTP tag.
struct PacketBuffer {
  static constexpr size_t kCapacity = 2048;
  static constexpr size_t kHeadroom = 64;

  uint8_t bytes[kCapacity];
  uint32_t offset = kHeadroom;  // first byte of the packet
  uint32_t size = 0;            // packet length
  uint32_t refs = 0;
  int64_t receivedUs = 0;       // arrival time on the worker clock
  PacketPool* pool = nullptr;
  PacketBuffer* nextFree = nullptr;

  uint8_t* data() noexcept { return bytes + offset; }
  const uint8_t* data() const noexcept { return bytes + offset; }
  std::span<uint8_t> span() noexcept { return {data(), size}; }
  std::span<const uint8_t> span() const noexcept { return {data(), size}; }
  // Room from data() to the end of the slab.
  size_t tailCapacity() const noexcept { return kCapacity - offset; }
};

// Shared handle to a PacketBuffer; the buffer goes back to its pool with the last ref.
class PacketRef {
 public:
  PacketRef() noexcept = default;
  explicit PacketRef(PacketBuffer* b) noexcept : b_(b) {
    if (b_) ++b_->refs;
  }
  PacketRef(const PacketRef& o) noexcept : PacketRef(o.b_) {}
  PacketRef(PacketRef&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
  PacketRef& operator=(PacketRef o) noexcept {
    std::swap(b_, o.b_);
    return *this;
  }
  ~PacketRef() { reset(); }

  void reset() noexcept;
  explicit operator bool() const noexcept { return b_ != nullptr; }
  PacketBuffer* get() const noexcept { return b_; }
  PacketBuffer* operator->() const noexcept { return b_; }
  PacketBuffer& operator*() const noexcept { return *b_; }
  uint32_t useCount() const noexcept { return b_ ? b_->refs : 0; }

 private:
  PacketBuffer* b_ = nullptr;
};

// Free list of PacketBuffers. Grows in blocks (rarely, never per packet in steady state);
// never shrinks, so a warmed-up worker allocates nothing.
class PacketPool {
 public:
  explicit PacketPool(size_t initialBuffers = 1024, size_t maxBuffers = 1 << 20);
  ~PacketPool();
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  // An empty buffer (offset at headroom, size 0), or a null ref when the pool is at its cap.
  PacketRef acquire() noexcept;
  // A buffer holding a copy of `bytes` (null if too large or the pool is exhausted).
  PacketRef copyOf(std::span<const uint8_t> bytes) noexcept;

  size_t total() const noexcept { return total_; }
  size_t available() const noexcept { return free_count_; }

 private:
  friend class PacketRef;
  void release(PacketBuffer* b) noexcept;
  bool grow(size_t n) noexcept;

  std::vector<std::unique_ptr<PacketBuffer[]>> blocks_;
  PacketBuffer* free_ = nullptr;
  size_t free_count_ = 0;
  size_t total_ = 0;
  size_t max_;
};

inline void PacketRef::reset() noexcept {
  if (b_ && --b_->refs == 0) b_->pool->release(b_);
  b_ = nullptr;
}

}  // namespace rtcgate
