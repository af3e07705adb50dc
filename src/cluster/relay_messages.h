#pragma once
// The messages of the node-to-node relay protocol (docs/CLUSTER.md "Relays"), as JSON over
// HTTP between nodes: a node that needs a stream asks the node holding it for a relay (and,
// the first time, for the encrypted link between their two workers that relays ride on); the
// answer describes the tracks as they travel on the link. Parsed strictly: the other node's
// words are untrusted input.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/relay_track.h"

namespace rtcgate::cluster {

// One end of a link: where its worker is, and its ICE and DTLS identity.
struct LinkEndpoint {
  std::string address;  // "ip:port" of the worker's UDP socket
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprint;  // "sha-256 AB:CD:..."
};

// B → A: relay `stream` to node `node`, over the link to `endpoint` (made if none exists).
struct RelayRequest {
  std::string stream;
  std::string node;
  LinkEndpoint endpoint;
  // The links the asking node holds with the answering one: only these may be reused (a
  // link the asker no longer has, after a restart say, is never offered again).
  std::vector<std::string> knownLinks;
};

using sfu::RelayLayer;
using sfu::RelayTrack;

// A → B: the relay made. `link` is the link's id on both nodes; `linkEndpoint` is set when
// the link is new (B then connects to it), empty when the relay rides an existing one.
struct RelayAnswer {
  std::string relay;
  std::string link;
  std::optional<LinkEndpoint> linkEndpoint;
  std::vector<RelayTrack> tracks;
};

inline constexpr size_t kMaxRelayTracks = 4;
inline constexpr size_t kMaxRelayLayers = 4;

std::string relayRequestToJson(const RelayRequest& r);
std::optional<RelayRequest> parseRelayRequest(std::string_view json, std::string* why = nullptr);
std::string relayAnswerToJson(const RelayAnswer& a);
std::optional<RelayAnswer> parseRelayAnswer(std::string_view json, std::string* why = nullptr);

}  // namespace rtcgate::cluster
