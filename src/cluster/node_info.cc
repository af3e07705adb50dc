#include "cluster/node_info.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cluster/json_fields.h"
#include "cluster/stream_access.h"

namespace rtcgate::cluster {

namespace {

using nlohmann::json;

double share(uint64_t used, uint64_t max) { return max == 0 ? 0.0 : static_cast<double>(used) / static_cast<double>(max); }

bool validUrl(std::string_view url) {
  if (url.size() > 256) return false;
  const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  return scheme && std::none_of(url.begin(), url.end(), [](char c) { return c <= ' ' || c == '"' || c == 0x7f; });
}

}  // namespace

double loadScore(const NodeLoad& load) noexcept {
  const double cpu = std::clamp(load.cpu, 0.0, 1.0);
  return std::min(1.0, std::max({cpu, share(load.sessions, load.maxSessions), share(load.transcodes, load.maxTranscodes)}));
}

bool validNodeName(std::string_view name) noexcept {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                  c == '-';
         });
}

std::string nodeInfoToJson(const NodeInfo& n) {
  json streams = json::array();
  for (const auto& s : n.streams) {
    json j{{"name", s.name}, {"source", s.source}, {"players", s.players}};
    if (!s.from.empty()) j["from"] = s.from;
    streams.push_back(std::move(j));
  }
  const json load = {{"cpu", n.load.cpu},
                     {"sessions", n.load.sessions},
                     {"max_sessions", n.load.maxSessions},
                     {"egress_bps", n.load.egressBps},
                     {"transcodes", n.load.transcodes},
                     {"max_transcodes", n.load.maxTranscodes}};
  return json{{"id", n.id},
              {"region", n.region},
              {"http_url", n.httpUrl},
              {"relay_host", n.relayHost},
              {"load", load},
              {"draining", n.draining},
              {"started_ms", n.startedMs},
              {"updated_ms", n.updatedMs},
              {"streams", std::move(streams)}}
      .dump();
}

std::optional<NodeInfo> parseNodeInfo(std::string_view text, std::string* why) {
  const auto fail = [why](const char* reason) -> std::optional<NodeInfo> {
    if (why) *why = reason;
    return std::nullopt;
  };
  const json o = json::parse(text, nullptr, false);
  if (o.is_discarded() || !o.is_object()) return fail("not a JSON object");
  NodeInfo n;
  if (!readField(o, "id", n.id) || !validNodeName(n.id)) return fail("id must be 1-64 of [A-Za-z0-9_.-]");
  if (!readField(o, "region", n.region) || !validNodeName(n.region)) return fail("region must be 1-64 of [A-Za-z0-9_.-]");
  if (!readField(o, "http_url", n.httpUrl) || !validUrl(n.httpUrl)) return fail("http_url must be an http(s) URL");
  if (!readField(o, "relay_host", n.relayHost) || n.relayHost.size() > 64) return fail("relay_host must be an address");
  if (!readField(o, "draining", n.draining) || !readField(o, "started_ms", n.startedMs) || !readField(o, "updated_ms", n.updatedMs))
    return fail("draining, started_ms and updated_ms must be a boolean and times");
  if (const auto l = o.find("load"); l != o.end()) {
    if (!l->is_object()) return fail("load must be an object");
    auto& d = n.load;
    if (!readField(*l, "cpu", d.cpu) || !readField(*l, "sessions", d.sessions) || !readField(*l, "max_sessions", d.maxSessions) ||
        !readField(*l, "egress_bps", d.egressBps) || !readField(*l, "transcodes", d.transcodes) ||
        !readField(*l, "max_transcodes", d.maxTranscodes) || !(d.cpu >= 0 && d.cpu <= 1024))
      return fail("load fields must be non-negative numbers");
  }
  if (const auto s = o.find("streams"); s != o.end()) {
    if (!s->is_array() || s->size() > kMaxNodeStreams) return fail("streams must be an array of at most 100000");
    n.streams.reserve(s->size());
    for (const auto& e : *s) {
      NodeStream st;
      if (!e.is_object() || !readField(e, "name", st.name) || !validStreamName(st.name) || !readField(e, "source", st.source) ||
          st.source.size() > 32 || !readField(e, "players", st.players) || !readField(e, "from", st.from) ||
          (!st.from.empty() && !validNodeName(st.from)))
        return fail("a stream needs a valid name, a source and a player count");
      n.streams.push_back(std::move(st));
    }
  }
  return n;
}

}  // namespace rtcgate::cluster
