#pragma once
// AnswerReader: reads a browser's answer to one of our OfferBuilder offers into the
// NegotiatedSession the transport and the SFU need (RFC 3264 §6-7, JSEP RFC 9429 §5.10).

#include <string_view>
#include <vector>

#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// Reads answers against the sections of one offer; cheap to create per answer.
class AnswerReader {
 public:
  // `offered` is Offer::media of the offer being answered (one record per m= line).
  explicit AnswerReader(const std::vector<NegotiatedMedia>& offered) : offered_(offered) {}

  // The session the answer agrees to: one NegotiatedMedia per section it accepted, with
  // the answer's payload types, header extension ids and feedback. Errors name the
  // offending line when there is one, e.g. "line 9: answer m-line 1 is a=mid:5, the
  // offer's is 0" or "a=setup:actpass is not allowed in an answer".
  SdpResult<NegotiatedSession> read(const SessionDescription& answer) const;
  // Parses `answerText` (at most kMaxSdpBytes) and reads it.
  SdpResult<NegotiatedSession> read(std::string_view answerText) const;

 private:
  SdpResult<bool> checkSections(const SessionDescription& answer) const;
  SdpResult<NegotiatedMedia> readSection(const SessionDescription& answer, const MediaSection& m,
                                         const NegotiatedMedia& offered) const;

  const std::vector<NegotiatedMedia>& offered_;
};

}  // namespace rtcgate::wire::sdp
