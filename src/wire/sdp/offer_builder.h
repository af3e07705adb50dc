#pragma once
// OfferBuilder: the server's offers for a "subscriber" PeerConnection — one m= section per
// slot, each sending one of our streams or inactive — renegotiated as tracks come and go
// (JSEP RFC 9429 §5.2, RFC 3264 §5 and §8).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/sdp/answer_options.h"
#include "wire/sdp/codec_capability.h"
#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::wire::sdp {

// A codec named by encoding name and clock rate, e.g. the one a publisher negotiated.
struct CodecRef {
  std::string name;  // matched case-insensitively against CodecCapability::name
  uint32_t clockRate = 0;
};

// One m= section of the offer. Sections are never removed (RFC 3264 §8.1): a slot whose
// track ended stays, inactive, with its mid, until the next track of its kind reuses it.
// A slot of kind "application" is the session's data channel section (RFC 8841): SCTP
// over the bundle's DTLS, no track and no codecs; at most one per offer.
struct OfferSlot {
  std::string mid;
  std::string kind;                  // "audio", "video" or "application"
  std::optional<LocalStream> track;  // what we send here (sendonly); none = inactive
  // Offer only these of our codecs (e.g. the publisher's, so no transcoding is needed);
  // empty = every capability of the slot's kind.
  std::vector<CodecRef> codecs;
};

// Our side of a subscriber session. Keep codecs and header extensions the same for the
// whole session: payload types and extension ids derive from them alone, never from the
// slots, so a codec keeps its payload type across renegotiations (RFC 3264 §8.3.2).
struct OfferOptions {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintAlgorithm = "sha-256";
  std::string fingerprint;  // upper-case colon hex of our certificate digest
  bool iceLite = true;
  std::vector<HostCandidate> candidates;
  bool candidatesInAllSections = false;  // else only in the first section
  std::string sessionName = "rtcgate";
  uint64_t sessionId = 0;  // o= sess-id, required and constant for the session

  std::vector<CodecCapability> videoCodecs = defaultVideoCodecs();
  std::vector<CodecCapability> audioCodecs = defaultAudioCodecs();
  // Offered in every section; extension id = position + 1 (one-byte headers, at most 14).
  std::vector<std::string> headerExtensions = {
      "urn:ietf:params:rtp-hdrext:sdes:mid",
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  };
};

// An offer ready to send, and what each slot offered, for AnswerReader.
struct Offer {
  SessionDescription description;
  std::string sdp;  // description.serialize(), CRLF line ends
  // One per slot in m= order: mid, kind, our direction (sendonly/inactive), the offered
  // codecs with their payload types, extension ids, and the stream we send (a data
  // channel section: its mid and kind "application" alone).
  std::vector<NegotiatedMedia> media;
};

// Builds the offers of one subscriber session; cheap to create per offer.
class OfferBuilder {
 public:
  explicit OfferBuilder(const OfferOptions& options) : options_(options) {}

  // The offer for `slots` (non-empty, unique mids). `sessionVersion` is the o= version:
  // the caller raises it by one for each offer of the session (RFC 3264 §8).
  SdpResult<Offer> build(const std::vector<OfferSlot>& slots, uint64_t sessionVersion) const;

 private:
  SdpResult<bool> check(const std::vector<OfferSlot>& slots) const;
  MediaSection writeSection(const NegotiatedMedia& media, bool withCandidates) const;
  MediaSection writeDataSection(const std::string& mid, bool withCandidates) const;
  void writeTransport(AttributeList& a, const std::string& mid, bool withCandidates) const;
  void writeSessionLevel(const std::vector<OfferSlot>& slots, uint64_t sessionVersion,
                         SessionDescription& offer) const;

  const OfferOptions& options_;
};

}  // namespace rtcgate::wire::sdp
