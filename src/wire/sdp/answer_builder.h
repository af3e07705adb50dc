#pragma once
// AnswerBuilder: answers a browser's offer (JSEP RFC 9429 §5.3, RFC 3264 §6) for a
// single-port ICE-lite server, producing the answer text and the NegotiatedSession.

#include <string>
#include <string_view>

#include "wire/sdp/answer_options.h"
#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// The result of answering an offer.
struct Answer {
  SessionDescription description;
  std::string sdp;  // description.serialize(), CRLF line ends
  NegotiatedSession session;
};

// Builds answers with one fixed set of options; cheap to create per offer.
class AnswerBuilder {
 public:
  explicit AnswerBuilder(const AnswerOptions& options) : options_(options) {}

  // Answers a parsed offer. Errors name the offending line when there is one, e.g.
  // "offer lacks a=fingerprint" or "line 12: a=rtpmap clock rate is not a number".
  SdpResult<Answer> build(const SessionDescription& offer) const;
  // Parses `offerText` and answers it.
  SdpResult<Answer> build(std::string_view offerText) const;

 private:
  SdpResult<bool> readTransport(const SessionDescription& offer, const MediaSection& first,
                                NegotiatedSession& session) const;
  void writeSessionLevel(const SessionDescription& offer, const NegotiatedSession& session,
                         SessionDescription& answer) const;

  const AnswerOptions& options_;
};

}  // namespace rtcgate::wire::sdp
