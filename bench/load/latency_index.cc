#include "latency_index.h"

#include <algorithm>
#include <unordered_set>

namespace rtcgate::load {

uint64_t LatencyIndex::key(std::span<const uint8_t> payload) noexcept {
  uint64_t h = 1469598103934665603ull;
  // Skip a 4-byte head (VP8 descriptor with PictureID) even on short payloads.
  const size_t n = payload.size() > 4 ? std::min<size_t>(32, payload.size() - 4) : 0;
  for (uint8_t b : payload.last(n)) {
    h ^= b;
    h *= 1099511628211ull;
  }
  h ^= payload.size();
  h *= 1099511628211ull;
  return h == 0 ? 1 : h;
}

void LatencyIndex::build(const std::vector<uint64_t>& keys, const std::vector<bool>& keyframe) {
  keyframe_ = keyframe;
  keyframe_.resize(keys.size(), false);
  std::unordered_set<uint64_t> dup;
  auto map = std::make_shared<std::unordered_map<uint64_t, uint32_t>>();
  for (uint32_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == 0) continue;
    if (!map->emplace(keys[i], i).second) dup.insert(keys[i]);
  }
  for (uint64_t k : dup) map->erase(k);
  map_ = std::move(map);
  resetSendTimes(keys.size());
}

void LatencyIndex::buildLike(const LatencyIndex& other) {
  map_ = other.map_;
  keyframe_ = other.keyframe_;
  resetSendTimes(keyframe_.size());
}

void LatencyIndex::resetSendTimes(size_t n) {
  sent_ = std::make_unique<std::atomic<int64_t>[]>(std::max<size_t>(1, n));
  for (size_t i = 0; i < n; ++i) sent_[i].store(0, std::memory_order_relaxed);
}

void recordLatency(const LatencyIndex& index, std::span<const uint8_t> payload, int64_t nowUs, LatencySamples& sink) {
  constexpr int64_t kMaxLatencyUs = 5'000'000;  // anything later is a stale send time from an earlier loop
  if (payload.size() < LatencyIndex::kMinPayload) return;
  const auto at = index.lookup(LatencyIndex::key(payload));
  if (!at) return;
  const int64_t sent = index.sentAt(*at);
  const int64_t added = nowUs - sent;
  if (sent == 0 || added < 0 || added >= kMaxLatencyUs) return;
  sink.all.push_back(static_cast<int32_t>(added));
  if (!index.inKeyframe(*at)) sink.delta.push_back(static_cast<int32_t>(added));
}

std::optional<uint32_t> LatencyIndex::lookup(uint64_t key) const noexcept {
  if (!map_) return std::nullopt;
  auto it = map_->find(key);
  if (it == map_->end()) return std::nullopt;
  return it->second;
}

}  // namespace rtcgate::load
