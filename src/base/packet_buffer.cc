#include "base/packet_buffer.h"

#include <cstring>
#include <new>

namespace rtcgate {

PacketPool::PacketPool(size_t initialBuffers, size_t maxBuffers) : max_(maxBuffers) {
  grow(initialBuffers);
}

PacketPool::~PacketPool() = default;

bool PacketPool::grow(size_t n) noexcept {
  if (total_ + n > max_) n = max_ - total_;
  if (n == 0) return false;
  std::unique_ptr<PacketBuffer[]> block(new (std::nothrow) PacketBuffer[n]);
  if (!block) return false;
  for (size_t i = 0; i < n; ++i) {
    block[i].pool = this;
    block[i].nextFree = free_;
    free_ = &block[i];
  }
  free_count_ += n;
  total_ += n;
  try {
    blocks_.push_back(std::move(block));
  } catch (...) {
    return false;  // unreachable in practice; the block leaks into the free list only
  }
  return true;
}

PacketRef PacketPool::acquire() noexcept {
  if (!free_ && !grow(total_ == 0 ? 64 : total_ / 2)) return PacketRef{};
  PacketBuffer* b = free_;
  free_ = b->nextFree;
  --free_count_;
  b->nextFree = nullptr;
  b->offset = PacketBuffer::kHeadroom;
  b->size = 0;
  b->receivedUs = 0;
  return PacketRef(b);
}

PacketRef PacketPool::copyOf(std::span<const uint8_t> bytes) noexcept {
  if (bytes.size() > PacketBuffer::kCapacity - PacketBuffer::kHeadroom) return PacketRef{};
  PacketRef r = acquire();
  if (!r) return r;
  if (!bytes.empty()) std::memcpy(r->data(), bytes.data(), bytes.size());
  r->size = static_cast<uint32_t>(bytes.size());
  return r;
}

void PacketPool::release(PacketBuffer* b) noexcept {
  b->nextFree = free_;
  free_ = b;
  ++free_count_;
}

}  // namespace rtcgate
