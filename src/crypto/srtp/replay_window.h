#pragma once
// ReplayWindow: the SRTP/SRTCP replay list as a sliding 64-packet bitmap (RFC 3711 §3.3.2).

#include <cstdint>

namespace rtcgate::crypto::srtp {

// Tracks the highest authenticated packet index and which of the 64 indices below it were
// seen. check() is side-effect free so it can run before authentication; accept() is called
// only once the packet has authenticated, so forged packets cannot move the window.
class ReplayWindow {
 public:
  static constexpr uint64_t kSize = 64;

  enum class Verdict : uint8_t {
    kNewer,   // above the highest index: the window will slide
    kInside,  // inside the window and not seen yet
    kReplay,  // inside the window and already seen
    kTooOld,  // below the window: cannot tell, so rejected
  };

  bool started() const noexcept { return started_; }
  uint64_t highest() const noexcept { return highest_; }

  Verdict check(uint64_t index) const noexcept {
    if (!started_ || index > highest_) return Verdict::kNewer;
    const uint64_t behind = highest_ - index;
    if (behind >= kSize) return Verdict::kTooOld;
    return (seen_ >> behind) & 1u ? Verdict::kReplay : Verdict::kInside;
  }

  void accept(uint64_t index) noexcept {
    if (!started_) {
      started_ = true;
      highest_ = index;
      seen_ = 1;
      return;
    }
    if (index > highest_) {
      const uint64_t shift = index - highest_;
      seen_ = shift >= kSize ? 1 : (seen_ << shift) | 1;
      highest_ = index;
      return;
    }
    const uint64_t behind = highest_ - index;
    if (behind < kSize) seen_ |= uint64_t{1} << behind;
  }

 private:
  uint64_t highest_ = 0;
  uint64_t seen_ = 0;  // bit k set: index highest_ - k was accepted
  bool started_ = false;
};

// Packet-index estimation of RFC 3711 §3.3.1 and Appendix A: from the highest index seen on
// an SSRC (its ROC and s_l) and a received 16-bit sequence number, guesses the 48-bit index
// ROC' * 2^16 + SEQ with ROC' in {ROC-1, ROC, ROC+1}. Before any packet the ROC is 0.
// Returns false when the guess would be ROC -1 (a packet from before the first one seen)
// or ROC 2^32 (the index space is exhausted and the session must be rekeyed).
inline bool estimateRtpIndex(const ReplayWindow& window, uint16_t seq, uint64_t& index) noexcept {
  if (!window.started()) {
    index = seq;
    return true;
  }
  const int64_t roc = static_cast<int64_t>(window.highest() >> 16);
  const auto last = static_cast<uint16_t>(window.highest());
  int64_t guess = roc;
  if (last < 0x8000) {
    if (seq > last && seq - last > 0x8000) guess = roc - 1;
  } else if (last - 0x8000 > seq) {
    guess = roc + 1;
  }
  if (guess < 0 || guess > int64_t{0xffffffff}) return false;
  index = (static_cast<uint64_t>(guess) << 16) | seq;
  return true;
}

}  // namespace rtcgate::crypto::srtp
