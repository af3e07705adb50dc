// The admin API's audio mixes: POST /api/mixes {"name", "sources", "loudest", "bitrate_kbps"},
// GET /api/mixes[/{name}], PATCH /api/mixes/{name} {"sources"}, DELETE /api/mixes/{name}.
// A mix is the stream named after it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <variant>

#include "api/admin_handler.h"
#include "api/http_util.h"
#include "cluster/stream_access.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const edge::MixInfo& m) {
  return {{"name", m.name},
          {"id", m.id},
          {"sources", m.sources},
          {"ended_sources", m.endedSources},
          {"loudest", m.loudest},
          {"audio", true},
          {"video", false},
          {"created_ms", m.createdMs},
          {"frames_out", m.framesOut},
          {"whep", "/whep/" + m.name}};
}

// The stream names of a "sources" array, or why it is not one (a name given twice, or not
// a stream name).
std::variant<std::vector<std::string>, std::string> parseSources(const nlohmann::json& list) {
  if (!list.is_array()) return std::string("\"sources\" must be an array of stream names");
  std::vector<std::string> out;
  for (const auto& s : list) {
    if (!s.is_string() || !cluster::validStreamName(s.get<std::string>()))
      return std::string("\"sources\" must be an array of stream names");
    const std::string name = s;
    if (std::find(out.begin(), out.end(), name) != out.end()) return "source '" + name + "' is named twice";
    out.push_back(name);
  }
  return out;
}

// The mix a POST body asks for, or why it cannot be made (400, or 501 for what mixes do
// not do yet).
std::variant<edge::MixSpec, std::pair<http::status, std::string>> parseMix(const std::string& body) {
  using Refusal = std::pair<http::status, std::string>;
  const auto bad = [](std::string why) { return Refusal{http::status::bad_request, std::move(why)}; };
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return bad("body must be a JSON object {\"name\": \"m1\", \"sources\": [\"s1\", \"s2\"]}");
  static const std::vector<std::string> kKnown = {"name", "sources", "loudest", "bitrate_kbps", "audio",
                                                  "video", "room",    "layout",  "width",        "height", "fps"};
  for (const auto& [key, value] : json.items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) return bad("unknown field '" + key + "'");
  edge::MixSpec spec;
  if (!json.contains("name") || !json["name"].is_string() || !cluster::validStreamName(json["name"].get<std::string>()))
    return bad("\"name\" must be a valid stream name (the mix is the stream of that name)");
  spec.name = json["name"];
  if (json.contains("room") || json.value("video", false) || json.contains("layout"))
    return Refusal{http::status::not_implemented, "video composition and room mixes are not available yet; "
                                                  "mixes are audio of named streams"};
  if (json.contains("audio") && !json["audio"].is_boolean()) return bad("\"audio\" must be true or false");
  if (!json.value("audio", true)) return bad("a mix without audio has nothing to mix (video is not available yet)");
  auto sources = parseSources(json.contains("sources") ? json["sources"] : nlohmann::json());
  if (auto* why = std::get_if<std::string>(&sources)) return bad(*why);
  spec.sources = std::get<std::vector<std::string>>(std::move(sources));
  if (json.contains("loudest")) {
    if (!json["loudest"].is_number_unsigned() || json["loudest"].get<uint64_t>() > edge::MixManager::kMaxSources)
      return bad("\"loudest\" must be 0 (all) to " + std::to_string(edge::MixManager::kMaxSources));
    spec.loudest = json["loudest"].get<size_t>();
  }
  if (json.contains("bitrate_kbps")) {
    if (!json["bitrate_kbps"].is_number_unsigned() || json["bitrate_kbps"].get<uint64_t>() < 8 ||
        json["bitrate_kbps"].get<uint64_t>() > 510)
      return bad("\"bitrate_kbps\" must be 8 to 510 (Opus)");
    spec.bitrateKbps = json["bitrate_kbps"].get<int>();
  }
  return spec;
}

}  // namespace

void AdminHandler::mixes(const net::HttpRequest& req, std::string_view rest, const net::HttpReply& reply) {
  if (!mixes_) return reply(errorResponse(req, http::status::not_found, "mixes are not available"));
  const auto method = req.method();
  if (rest.empty() && method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& m : mixes_->list()) out.push_back(toJson(m));
    return reply(jsonResponse(req, http::status::ok, jsonText(out)));
  }
  if (rest.empty() && method == http::verb::post) {
    auto parsed = parseMix(req.body());
    if (auto* refusal = std::get_if<std::pair<http::status, std::string>>(&parsed))
      return reply(errorResponse(req, refusal->first, refusal->second));
    return mixes_->create(std::get<edge::MixSpec>(std::move(parsed)),
                          [head = net::requestHead(req), reply](std::optional<edge::MixRefusal> refused, edge::MixInfo m) {
                            if (refused)
                              return reply(errorResponse(head, static_cast<http::status>(refused->status), refused->reason));
                            auto res = jsonResponse(head, http::status::created, jsonText(toJson(m)));
                            res.set(http::field::location, "/api/mixes/" + m.name);
                            reply(std::move(res));
                          });
  }
  if (!rest.empty() && rest.find('/') == std::string_view::npos) {
    const std::string name(rest);
    if (method == http::verb::get) {
      const auto m = mixes_->find(name);
      if (!m) return reply(errorResponse(req, http::status::not_found, "no such mix"));
      return reply(jsonResponse(req, http::status::ok, jsonText(toJson(*m))));
    }
    if (method == http::verb::patch) {
      const auto json = nlohmann::json::parse(req.body(), nullptr, false);
      if (json.is_discarded() || !json.is_object() || !json.contains("sources") || json.size() != 1)
        return reply(errorResponse(req, http::status::bad_request, "PATCH takes {\"sources\": [\"s1\", ...]}"));
      auto sources = parseSources(json["sources"]);
      if (auto* why = std::get_if<std::string>(&sources))
        return reply(errorResponse(req, http::status::bad_request, *why));
      if (auto refused = mixes_->setSources(name, std::get<std::vector<std::string>>(sources)))
        return reply(errorResponse(req, static_cast<http::status>(refused->status), refused->reason));
      return reply(jsonResponse(req, http::status::ok, jsonText(toJson(*mixes_->find(name)))));
    }
    if (method == http::verb::delete_) {
      if (!mixes_->remove(name)) return reply(errorResponse(req, http::status::not_found, "no such mix"));
      return reply(jsonResponse(req, http::status::ok, jsonText({{"name", name}, {"deleted", true}})));
    }
  }
  reply(errorResponse(req, http::status::method_not_allowed,
                      "use POST or GET on /api/mixes, GET, PATCH or DELETE on /api/mixes/{name}"));
}

}  // namespace rtcgate::api
