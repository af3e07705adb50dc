#include "media/nack_generator.h"

#include <algorithm>

namespace rtcgate::media {

NackGenerator::NackGenerator(const NackConfig& config) : config_(config) {
  missing_.reserve(config_.maxMissing);
}

NackGenerator::Arrival NackGenerator::onPacket(uint16_t seq, bool keyframe, int64_t nowUs) noexcept {
  const int64_t s = unwrapper_.unwrap(seq);
  if (!started_) {
    started_ = true;
    highest_ = s;
    return Arrival::kNew;
  }
  if (s <= highest_) {
    if (!recover(s)) return Arrival::kOld;
    ++counters_.recovered;
    return Arrival::kRecovered;
  }
  if (keyframe) dropBefore(s);
  if (s > highest_ + 1) addGap(highest_ + 1, s, nowUs);
  highest_ = s;
  return Arrival::kNew;
}

void NackGenerator::addGap(int64_t from, int64_t to, int64_t nowUs) noexcept {
  const auto gap = static_cast<size_t>(to - from);
  if (missing_.size() + gap > config_.maxMissing) {
    // Too much to repair by retransmission: start over from a keyframe.
    missing_.clear();
    keyframeRequest_ = true;
    ++counters_.listOverflows;
    return;
  }
  for (int64_t s = from; s < to; ++s) missing_.push_back(Entry{s, nowUs, 0, 0});
  counters_.missingDetected += gap;
}

bool NackGenerator::recover(int64_t seq) noexcept {
  auto it = std::lower_bound(missing_.begin(), missing_.end(), seq,
                             [](const Entry& e, int64_t s) { return e.seq < s; });
  if (it == missing_.end() || it->seq != seq) return false;
  missing_.erase(it);  // no allocation: erase only moves the tail
  return true;
}

void NackGenerator::dropBefore(int64_t seq) noexcept {
  auto it = std::lower_bound(missing_.begin(), missing_.end(), seq,
                             [](const Entry& e, int64_t s) { return e.seq < s; });
  missing_.erase(missing_.begin(), it);
}

bool NackGenerator::expired(const Entry& e, int64_t nowUs) const noexcept {
  return e.retries >= config_.maxRetries || nowUs - e.detectedUs > config_.maxAgeUs;
}

bool NackGenerator::ready(const Entry& e, int64_t nowUs) const noexcept {
  if (e.retries == 0) {
    // A fresh gap may be reordering, not loss: wait a little, or for enough later packets.
    return nowUs - e.detectedUs >= config_.reorderDelayUs || highest_ - e.seq >= config_.reorderPackets;
  }
  return nowUs - e.lastSentUs >= std::max(rttUs_, config_.minRetryUs);
}

size_t NackGenerator::collect(int64_t nowUs, std::span<uint16_t> out) noexcept {
  size_t n = 0;
  size_t keep = 0;
  for (size_t i = 0; i < missing_.size(); ++i) {
    Entry e = missing_[i];
    if (expired(e, nowUs)) {
      ++counters_.givenUp;
      continue;
    }
    if (n < out.size() && ready(e, nowUs)) {
      out[n++] = static_cast<uint16_t>(e.seq);
      e.lastSentUs = nowUs;
      ++e.retries;
    }
    missing_[keep++] = e;
  }
  missing_.resize(keep);  // shrinking never allocates
  counters_.nacksSent += n;
  return n;
}

}  // namespace rtcgate::media
