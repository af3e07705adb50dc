#pragma once
// AnswerOptions: our side of an offer/answer exchange — ICE and DTLS identity, candidates,
// codecs and header extensions we support, and the streams we will send.

#include <cstdint>
#include <string>
#include <vector>

#include "wire/sdp/codec_capability.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::wire::sdp {

// A local host candidate to advertise (ICE-lite servers only have host candidates).
struct HostCandidate {
  std::string ip;
  uint16_t port = 0;
  std::string transport = "udp";  // "udp" or "tcp" (RFC 6544, always tcptype passive)
};

// A stream we send in a section the offerer receives on; matched by mid, or else to the
// first unassigned section of the same kind.
struct LocalSendTrack {
  std::string mid;   // empty = match by kind
  std::string kind;  // "audio" or "video"
  LocalStream stream;
};

// Everything the negotiator needs to know about us.
struct AnswerOptions {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintAlgorithm = "sha-256";
  std::string fingerprint;  // upper-case colon hex of our certificate digest
  Setup setupForActpass = Setup::kPassive;  // our role when the offer says actpass
  bool iceLite = true;
  std::vector<HostCandidate> candidates;
  bool candidatesInAllSections = false;  // else only in the first accepted section
  std::string sessionName = "rtcgate";
  uint64_t sessionId = 0;  // o= sess-id; 0 = pick a random one

  std::vector<CodecCapability> videoCodecs = defaultVideoCodecs();
  std::vector<CodecCapability> audioCodecs = defaultAudioCodecs();
  bool audioRed = false;  // accept RED (RFC 2198) over Opus when offered
  // Follow the offerer's codec order (a publisher offering H.264 first gets H.264);
  // when false our own list order decides.
  bool preferOfferOrder = true;
  // Accept one codec (plus RTX/RED) per section, which is what forwarding needs.
  bool singleCodec = true;
  std::vector<std::string> headerExtensions = {
      "urn:ietf:params:rtp-hdrext:sdes:mid",
      "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
      "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  };
  std::vector<LocalSendTrack> sendTracks;
  // Kinds answered "inactive": the section is accepted (so an offer's bundle keeps its
  // transport) but nothing flows on it — a player's video when the stream has only audio.
  std::vector<std::string> inactiveKinds;
  // Accept an offered data channel section (m=application ... webrtc-datachannel, RFC 8841).
  bool dataChannels = false;
  // The largest data channel message we take (a=max-message-size).
  uint32_t maxMessageSize = 256 * 1024;
};

}  // namespace rtcgate::wire::sdp
