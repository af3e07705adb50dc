#pragma once
// LatencyIndex: recognises a forwarded video packet by its payload (any SFU that forwards
// payloads unchanged keeps it) and tells when the publisher last sent it. Built once
// before the run, then written by the publisher and read by subscribers on other threads
// without locks.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace rtcgate::load {

// Latency samples (µs) gathered by one worker's subscribers: every video packet, and the
// packets of delta frames alone (keyframe bursts fan out slowest and dominate the tail).
struct LatencySamples {
  std::vector<int32_t> all, delta;
};

// Payload fingerprint -> position in the publisher's schedule -> last send time (µs).

class LatencyIndex {
 public:
  // FNV-1a over the payload's last 32 bytes and its length. The tail is codec data, so a
  // server that rewrites the VP8 PictureID at the front still matches.
  static uint64_t key(std::span<const uint8_t> payload) noexcept;
  static constexpr size_t kMinPayload = 24;  // shorter payloads are too alike to identify

  // `keys[i]` is the key of schedule entry i (0 = not indexed), `keyframe[i]` whether it
  // belongs to a keyframe. Keys seen twice are dropped.
  void build(const std::vector<uint64_t>& keys, const std::vector<bool>& keyframe);
  // Another publisher of the same schedule: the same keys, its own send times.
  void buildLike(const LatencyIndex& other);
  bool inKeyframe(uint32_t index) const noexcept { return keyframe_[index]; }
  std::optional<uint32_t> lookup(uint64_t key) const noexcept;
  void markSent(uint32_t index, int64_t nowUs) noexcept { sent_[index].store(nowUs, std::memory_order_relaxed); }
  int64_t sentAt(uint32_t index) const noexcept { return sent_[index].load(std::memory_order_relaxed); }
  size_t size() const noexcept { return map_ ? map_->size() : 0; }

 private:
  void resetSendTimes(size_t n);
  std::shared_ptr<const std::unordered_map<uint64_t, uint32_t>> map_;
  std::unique_ptr<std::atomic<int64_t>[]> sent_;
  std::vector<bool> keyframe_;
};

// Adds the added latency of a received video payload to `sink` when `index` recognises it
// (and the send time is plausible: not from an earlier loop of the clip).
void recordLatency(const LatencyIndex& index, std::span<const uint8_t> payload, int64_t nowUs, LatencySamples& sink);

}  // namespace rtcgate::load
