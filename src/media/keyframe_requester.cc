#include "media/keyframe_requester.h"

namespace rtcgate::media {

void KeyframeRequester::markSent(int64_t nowUs) noexcept {
  if (!awaiting_ && sent_ > 0) ++firSeq_;  // a new request, not a repeat (RFC 5104 §4.3.1.2)
  awaiting_ = true;
  pending_ = false;
  lastSentUs_ = nowUs;
  ++sent_;
}

bool KeyframeRequester::request(int64_t nowUs) noexcept {
  if (holdOffOver(nowUs)) {
    markSent(nowUs);
    return true;
  }
  pending_ = true;
  return false;
}

bool KeyframeRequester::due(int64_t nowUs) noexcept {
  if (!pending_ || !holdOffOver(nowUs)) return false;
  markSent(nowUs);
  return true;
}

}  // namespace rtcgate::media
