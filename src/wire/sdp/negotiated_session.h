#pragma once
// NegotiatedSession: everything the transport and the SFU need from a finished
// offer/answer exchange, already parsed and validated (no SDP text left to read).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wire/sdp/rtp_attributes.h"
#include "wire/sdp/transport_attributes.h"

namespace rtcgate::wire::sdp {

// Which side of the DTLS handshake we play (RFC 5763 §5): client = a=setup:active.
enum class DtlsRole : uint8_t { kClient, kServer };

// One accepted codec of a media section, with the offerer's payload type numbers.
struct NegotiatedCodec {
  uint8_t pt = 0;
  std::string name;  // as the offer spelled it ("VP8", "opus", "H264")
  uint32_t clockRate = 0;
  uint16_t channels = 0;
  std::string fmtp;  // the answer's fmtp parameters (empty when none)
  std::vector<RtcpFb> rtcpFb;  // feedback both sides agreed on
  std::optional<uint8_t> rtxPt;  // RFC 4588 retransmission payload type, if paired
};

// A remote SSRC announced with a=ssrc (RFC 5576), with its cname and msid when given.
struct RemoteSsrc {
  uint32_t ssrc = 0;
  std::string cname;
  std::string msid;
};

// One simulcast layer the offerer sends (RFC 8851/8853). Its retransmissions arrive with
// repaired-rtp-stream-id equal to `rid` (RFC 8852 §3.2), which is how RTX pairs with it.
struct RidLayer {
  std::string rid;
  bool paused = false;
  std::vector<uint8_t> payloadTypes;  // restriction from "pt=", empty = any
  std::vector<std::pair<std::string, std::string>> restrictions;
};

// The SSRCs we announced for a section we send on (sendonly answer to a recvonly offer).
struct LocalStream {
  uint32_t ssrc = 0;
  uint32_t rtxSsrc = 0;  // 0 when no RTX is announced
  std::string cname;
  std::string streamId;
  std::string trackId;
};

// One accepted m= section.
struct NegotiatedMedia {
  std::string mid;
  std::string kind;  // "audio" or "video"
  Direction direction = Direction::kInactive;  // ours, as written in the answer
  std::vector<NegotiatedCodec> codecs;  // preferred first
  std::map<std::string, uint8_t> extensions;  // header extension URI -> id (RFC 8285)
  bool rtcpRsize = false;
  std::vector<RemoteSsrc> remoteSsrcs;
  std::vector<std::pair<uint32_t, uint32_t>> fidPairs;  // original -> RTX
  std::vector<std::vector<uint32_t>> simGroups;
  std::vector<RidLayer> ridLayers;  // empty unless the offer sends simulcast
  std::optional<Msid> msid;         // the offerer's a=msid
  std::optional<LocalStream> local;  // what we announced, when we send

  std::optional<uint8_t> extensionId(const std::string& uri) const {
    auto it = extensions.find(uri);
    return it == extensions.end() ? std::nullopt : std::optional<uint8_t>(it->second);
  }
};

// An accepted data channel section (RFC 8841): SCTP over the bundle's DTLS.
struct NegotiatedData {
  std::string mid;
  uint16_t remoteSctpPort = 5000;
  uint16_t localSctpPort = 5000;
  uint64_t remoteMaxMessageSize = 65536;  // RFC 8841 §6.1: the default when absent
  uint32_t localMaxMessageSize = 65536;   // what we accept
};

// The transport- and media-level outcome of negotiating one offer.
struct NegotiatedSession {
  IceCredentials remoteIce;
  Fingerprint remoteFingerprint;
  Setup remoteSetup = Setup::kActpass;
  DtlsRole localDtlsRole = DtlsRole::kServer;
  std::vector<std::string> bundleMids;  // accepted mids in BUNDLE order; first is the tag
  std::vector<NegotiatedMedia> media;   // accepted sections only, in m= order
  std::optional<NegotiatedData> data;   // the data channel section, when accepted
};

}  // namespace rtcgate::wire::sdp
