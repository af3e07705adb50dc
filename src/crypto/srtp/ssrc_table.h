#pragma once
// SsrcTable: per-SSRC SRTP state in a fixed-capacity flat table, allocated once up front.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rtcgate::crypto::srtp {

// A session carries a handful of SSRCs (audio, video, simulcast layers, RTX), so a linear scan
// over a contiguous array, with the last hit checked first, beats hashing. Storage is reserved
// at construction: inserting never allocates, and a full table refuses new SSRCs.
template <typename State>
class SsrcTable {
 public:
  explicit SsrcTable(size_t capacity) : capacity_(capacity) { entries_.reserve(capacity); }

  State* find(uint32_t ssrc) noexcept {
    if (last_ < entries_.size() && entries_[last_].ssrc == ssrc) return &entries_[last_].state;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].ssrc == ssrc) {
        last_ = i;
        return &entries_[i].state;
      }
    }
    return nullptr;
  }

  // Adds a fresh state for `ssrc` (caller checked it is absent); nullptr when full.
  State* insert(uint32_t ssrc) noexcept {
    if (entries_.size() >= capacity_) return nullptr;
    entries_.push_back(Entry{ssrc, State{}});  // within reserved capacity: no allocation
    last_ = entries_.size() - 1;
    return &entries_.back().state;
  }

  // Forgets `ssrc` (a stream that ended), making room for another; no-op when absent.
  void erase(uint32_t ssrc) noexcept {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].ssrc != ssrc) continue;
      entries_[i] = entries_.back();
      entries_.pop_back();
      last_ = 0;
      return;
    }
  }

  size_t size() const noexcept { return entries_.size(); }
  size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    uint32_t ssrc;
    State state;
  };
  std::vector<Entry> entries_;
  size_t capacity_;
  size_t last_ = 0;
};

}  // namespace rtcgate::crypto::srtp
