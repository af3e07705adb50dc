#pragma once
// MediaNegotiator: answers one offered m= section (codecs, extensions, SSRCs, rid and
// simulcast) — the per-section half of the answer builder (RFC 3264 §6, JSEP RFC 9429 §5.3).

#include <optional>
#include <string>

#include "wire/sdp/answer_options.h"
#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// What the builder decided for the whole session that each section must repeat.
struct SectionTransport {
  Setup localSetup = Setup::kPassive;
  bool withCandidates = false;
};

// The outcome for one section: the answer's m= section, and either the negotiated media
// or the reason it was rejected (then `section` has port 0).
struct SectionAnswer {
  MediaSection section;
  std::optional<NegotiatedMedia> media;
  std::string rejectReason;
};

// Negotiates the sections of one offer; lives only for the duration of a build().
class MediaNegotiator {
 public:
  MediaNegotiator(const SessionDescription& offer, const AnswerOptions& options, const SectionTransport& transport)
      : offer_(offer), options_(options), transport_(transport) {}

  // Answers `offered`, which the builder already checked is a bundled audio/video RTP
  // section with a mid. `sendTrack` is the stream we send in it, if any.
  SdpResult<SectionAnswer> negotiate(const MediaSection& offered, const LocalSendTrack* sendTrack) const;

  // Answers an offered data channel section (m=application, UDP/DTLS/SCTP, already checked
  // bundled with a mid): a=sctp-port and a=max-message-size both ways.
  SdpResult<SectionAnswer> negotiateData(const MediaSection& offered, NegotiatedData& data) const;

  // A rejected answer section for `offered` (port 0, formats and mid echoed).
  static MediaSection rejected(const MediaSection& offered);

 private:
  SdpResult<bool> chooseCodecs(const MediaSection& offered, NegotiatedMedia& media) const;
  SdpResult<bool> readRemoteStreams(const MediaSection& offered, NegotiatedMedia& media) const;
  SdpResult<bool> readSimulcast(const MediaSection& offered, NegotiatedMedia& media) const;
  void readExtensions(const MediaSection& offered, NegotiatedMedia& media) const;
  MediaSection write(const MediaSection& offered, const NegotiatedMedia& media) const;
  void writeTransport(MediaSection& out) const;
  void writeStreams(MediaSection& out, const NegotiatedMedia& media) const;

  const SessionDescription& offer_;
  const AnswerOptions& options_;
  const SectionTransport& transport_;
};

// Our advertised ICE candidates in SDP form (RFC 8445 §5.1.2.1 priorities).
std::vector<Candidate> localCandidates(const AnswerOptions& options);

}  // namespace rtcgate::wire::sdp
