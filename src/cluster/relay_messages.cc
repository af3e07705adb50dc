#include "cluster/relay_messages.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/socket_address.h"
#include "cluster/node_info.h"
#include "cluster/stream_access.h"

namespace rtcgate::cluster {

namespace {

using nlohmann::json;

bool isString(const json& o, const char* key, size_t maxLen, std::string& out) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return out.size() <= maxLen;
}

template <typename T>
bool isUnsigned(const json& o, const char* key, uint64_t max, T& out) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_number_unsigned()) return false;
  const uint64_t v = it->get<uint64_t>();
  if (v > max) return false;
  out = static_cast<T>(v);
  return true;
}

bool iceChars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; });
}

bool validAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) return false;
  const unsigned long p = std::stoul(port);
  return p > 0 && p < 65536 && SocketAddress::parse(host, static_cast<uint16_t>(p)).has_value();
}

json endpointJson(const LinkEndpoint& e) {
  return {{"address", e.address}, {"ice_ufrag", e.iceUfrag}, {"ice_pwd", e.icePwd}, {"fingerprint", e.fingerprint}};
}

std::optional<LinkEndpoint> readEndpoint(const json& o, std::string& why) {
  LinkEndpoint e;
  if (!o.is_object()) return why = "link endpoint must be an object", std::nullopt;
  if (!isString(o, "address", 64, e.address) || !validAddress(e.address))
    return why = "link address must be ip:port", std::nullopt;
  // RFC 8839 §5.4: ufrag 4-256, pwd 22-256 ice-chars.
  if (!isString(o, "ice_ufrag", 256, e.iceUfrag) || e.iceUfrag.size() < 4 || !iceChars(e.iceUfrag) ||
      !isString(o, "ice_pwd", 256, e.icePwd) || e.icePwd.size() < 22 || !iceChars(e.icePwd))
    return why = "link ICE credentials must be a ufrag of 4-256 and a pwd of 22-256 ice-chars", std::nullopt;
  if (!isString(o, "fingerprint", 200, e.fingerprint) || e.fingerprint.rfind("sha-256 ", 0) != 0)
    return why = "link fingerprint must be \"sha-256 XX:...\"", std::nullopt;
  return e;
}

std::optional<RelayTrack> readTrack(const json& o, std::string& why) {
  RelayTrack t;
  if (!o.is_object()) return why = "a track must be an object", std::nullopt;
  if (!isString(o, "kind", 8, t.kind) || (t.kind != "audio" && t.kind != "video"))
    return why = "track kind must be audio or video", std::nullopt;
  if (!isUnsigned(o, "pt", 127, t.pt) || !isString(o, "codec", 32, t.codec) || t.codec.empty() ||
      !isUnsigned(o, "clock_rate", 1'000'000, t.clockRate) || t.clockRate == 0 ||
      !isUnsigned(o, "channels", 8, t.channels) || !isString(o, "fmtp", 512, t.fmtp))
    return why = "track needs pt (0-127), codec, clock_rate, channels and fmtp", std::nullopt;
  const auto ext = o.find("extensions");
  if (ext == o.end() || !ext->is_object() || ext->size() > 16) return why = "track extensions must be an object", std::nullopt;
  for (const auto& [uri, id] : ext->items()) {
    if (uri.empty() || uri.size() > 256 || !id.is_number_unsigned() || id.get<uint64_t>() < 1 || id.get<uint64_t>() > 255)
      return why = "an extension maps a URI to an id of 1-255", std::nullopt;
    t.extensions[uri] = static_cast<uint8_t>(id.get<uint64_t>());
  }
  const auto layers = o.find("layers");
  if (layers == o.end() || !layers->is_array() || layers->empty() || layers->size() > kMaxRelayLayers)
    return why = "a track has 1-4 layers", std::nullopt;
  for (const auto& l : *layers) {
    RelayLayer layer;
    if (!l.is_object() || !isString(l, "rid", 16, layer.rid) || !isUnsigned(l, "ssrc", 0xffffffffu, layer.ssrc) ||
        layer.ssrc == 0)
      return why = "a layer needs a rid (up to 16) and a non-zero ssrc", std::nullopt;
    for (const auto& other : t.layers)
      if (other.ssrc == layer.ssrc) return why = "layer SSRCs must differ", std::nullopt;
    t.layers.push_back(std::move(layer));
  }
  return t;
}

}  // namespace

std::string relayRequestToJson(const RelayRequest& r) {
  return json{{"stream", r.stream}, {"node", r.node}, {"endpoint", endpointJson(r.endpoint)}, {"known_links", r.knownLinks}}
      .dump();
}

std::optional<RelayRequest> parseRelayRequest(std::string_view text, std::string* why) {
  std::string reason;
  const auto fail = [&](std::string r) -> std::optional<RelayRequest> {
    if (why) *why = std::move(r);
    return std::nullopt;
  };
  const json o = json::parse(text, nullptr, false);
  if (o.is_discarded() || !o.is_object()) return fail("not a JSON object");
  RelayRequest r;
  if (!isString(o, "stream", 200, r.stream) || !validStreamName(r.stream)) return fail("stream must be a stream name");
  if (!isString(o, "node", 64, r.node) || !validNodeName(r.node)) return fail("node must be a node id");
  const auto ep = o.find("endpoint");
  if (ep == o.end()) return fail("endpoint missing");
  auto e = readEndpoint(*ep, reason);
  if (!e) return fail(reason);
  r.endpoint = std::move(*e);
  if (const auto links = o.find("known_links"); links != o.end()) {
    if (!links->is_array() || links->size() > 64) return fail("known_links must be an array of up to 64 ids");
    for (const auto& l : *links) {
      if (!l.is_string() || !validNodeName(l.get<std::string>())) return fail("known_links holds link ids");
      r.knownLinks.push_back(l.get<std::string>());
    }
  }
  return r;
}

std::string relayAnswerToJson(const RelayAnswer& a) {
  json tracks = json::array();
  for (const auto& t : a.tracks) {
    json layers = json::array();
    for (const auto& l : t.layers) layers.push_back({{"rid", l.rid}, {"ssrc", l.ssrc}});
    json ext = json::object();
    for (const auto& [uri, id] : t.extensions) ext[uri] = id;
    tracks.push_back({{"kind", t.kind},
                      {"pt", t.pt},
                      {"codec", t.codec},
                      {"clock_rate", t.clockRate},
                      {"channels", t.channels},
                      {"fmtp", t.fmtp},
                      {"extensions", std::move(ext)},
                      {"layers", std::move(layers)}});
  }
  json o{{"relay", a.relay}, {"link", a.link}, {"tracks", std::move(tracks)}};
  if (a.linkEndpoint) o["endpoint"] = endpointJson(*a.linkEndpoint);
  return o.dump();
}

std::optional<RelayAnswer> parseRelayAnswer(std::string_view text, std::string* why) {
  std::string reason;
  const auto fail = [&](std::string r) -> std::optional<RelayAnswer> {
    if (why) *why = std::move(r);
    return std::nullopt;
  };
  const json o = json::parse(text, nullptr, false);
  if (o.is_discarded() || !o.is_object()) return fail("not a JSON object");
  RelayAnswer a;
  if (!isString(o, "relay", 64, a.relay) || !validNodeName(a.relay)) return fail("relay must be an id");
  if (!isString(o, "link", 64, a.link) || !validNodeName(a.link)) return fail("link must be an id");
  if (const auto ep = o.find("endpoint"); ep != o.end()) {
    auto e = readEndpoint(*ep, reason);
    if (!e) return fail(reason);
    a.linkEndpoint = std::move(*e);
  }
  const auto tracks = o.find("tracks");
  if (tracks == o.end() || !tracks->is_array() || tracks->size() > kMaxRelayTracks) return fail("tracks must be an array of up to 4");
  for (const auto& t : *tracks) {
    auto track = readTrack(t, reason);
    if (!track) return fail(reason);
    a.tracks.push_back(std::move(*track));
  }
  return a;
}

}  // namespace rtcgate::cluster
