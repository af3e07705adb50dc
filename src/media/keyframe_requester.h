#pragma once
// KeyframeRequester: rate-limits the PLI/FIR a track sends to its publisher
// (RFC 4585 §6.3.1 PLI, RFC 5104 §4.3.1 FIR).

#include <cstdint>

namespace rtcgate::media {

// Collapses the keyframe wishes of many subscribers into at most one request per
// hold-off period; a wish made during the hold-off is remembered and sent when it ends.
class KeyframeRequester {
 public:
  static constexpr int64_t kDefaultMinIntervalUs = 300'000;

  explicit KeyframeRequester(int64_t minIntervalUs = kDefaultMinIntervalUs) noexcept
      : minIntervalUs_(minIntervalUs) {}

  // Someone needs a keyframe. True: send a PLI/FIR now. False: one was sent recently;
  // this wish is now pending and due() reports it when the hold-off ends.
  bool request(int64_t nowUs) noexcept;
  // True (once) when a pending request may be sent now.
  bool due(int64_t nowUs) noexcept;
  // A keyframe arrived: pending wishes are satisfied.
  void onKeyframe() noexcept {
    pending_ = false;
    awaiting_ = false;
  }

  bool pending() const noexcept { return pending_; }
  // When due() can next be true (for the caller's timer); meaningful while pending().
  int64_t nextDueUs() const noexcept { return lastSentUs_ + minIntervalUs_; }
  // RFC 5104 §4.3.1.2: the FIR command sequence number for the request just granted. It
  // moves on for each new request and stays the same for repeats of an unanswered one.
  uint8_t firSequence() const noexcept { return firSeq_; }
  uint64_t requestsSent() const noexcept { return sent_; }

 private:
  bool holdOffOver(int64_t nowUs) const noexcept {
    return sent_ == 0 || nowUs - lastSentUs_ >= minIntervalUs_;
  }
  void markSent(int64_t nowUs) noexcept;

  int64_t minIntervalUs_;
  int64_t lastSentUs_ = 0;
  uint64_t sent_ = 0;
  uint8_t firSeq_ = 0;
  bool pending_ = false;
  bool awaiting_ = false;  // a request went out and no keyframe has answered it yet
};

}  // namespace rtcgate::media
