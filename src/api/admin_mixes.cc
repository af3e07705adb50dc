// The admin API's mixes: POST /api/mixes {"name", "sources", "audio", "video", "layout",
// "width", "height", "fps", "video_bitrate", "loudest", "bitrate_kbps"}, GET /api/mixes[/{name}],
// PATCH /api/mixes/{name} {"sources", "layout"}, DELETE /api/mixes/{name}. A mix is the
// stream named after it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <tuple>
#include <variant>

#include "api/admin_handler.h"
#include "api/http_util.h"
#include "api/room_messages.h"
#include "cluster/stream_access.h"

namespace rtcgate::api {

namespace {

const char* layoutName(mcu::LayoutKind k) {
  switch (k) {
    case mcu::LayoutKind::kGrid: return "grid";
    case mcu::LayoutKind::kSpeaker: return "speaker";
    case mcu::LayoutKind::kRegions: return "regions";
  }
  return "grid";
}

nlohmann::json toJson(const edge::MixInfo& m) {
  const edge::MixSpec& s = m.spec;
  nlohmann::json j = {{"name", s.name},
                      {"id", m.id},
                      {"sources", s.sources},
                      {"ended_sources", m.endedSources},
                      {"audio", s.audio},
                      {"video", s.video},
                      {"created_ms", m.createdMs},
                      {"frames_out", m.framesOut},
                      {"whep", "/whep/" + s.name}};
  if (s.audio) j["loudest"] = s.loudest;
  if (!s.room.empty()) j["room"] = s.room;
  if (s.video) {
    j["width"] = s.width;
    j["height"] = s.height;
    j["fps"] = s.fps;
    j["video_frames_out"] = m.videoFramesOut;
    if (s.layout == mcu::LayoutKind::kRegions) {
      auto regions = nlohmann::json::array();
      for (const auto& r : s.regions)
        regions.push_back({{"source", r.source}, {"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}, {"z", r.z}});
      j["layout"] = std::move(regions);
    } else {
      j["layout"] = layoutName(s.layout);
    }
  }
  return j;
}

// A "layout": "grid", "speaker" or a list of regions, or why it is not one.
std::variant<std::pair<mcu::LayoutKind, std::vector<mcu::Region>>, std::string> parseLayout(const nlohmann::json& j) {
  using Layout = std::pair<mcu::LayoutKind, std::vector<mcu::Region>>;
  if (j.is_string() && j == "grid") return Layout{mcu::LayoutKind::kGrid, {}};
  if (j.is_string() && j == "speaker") return Layout{mcu::LayoutKind::kSpeaker, {}};
  const std::string shape =
      "\"layout\" must be \"grid\", \"speaker\" or a list of regions "
      "{\"source\", \"x\", \"y\", \"w\", \"h\", \"z\"} (fractions of the canvas)";
  if (!j.is_array() || j.empty() || j.size() > 4 * edge::MixManager::kMaxSources) return shape;
  std::vector<mcu::Region> regions;
  for (const auto& r : j) {
    if (!r.is_object() || !r.contains("source") || !r["source"].is_string()) return shape;
    mcu::Region region;
    region.source = r["source"];
    for (const auto& [key, value] : r.items()) {
      if (key == "source") continue;
      if (key == "z") {
        if (!value.is_number_integer() || std::llabs(value.get<int64_t>()) > 1000) return "region \"z\" must be an integer";
        region.z = value.get<int>();
        continue;
      }
      double* field = key == "x" ? &region.x : key == "y" ? &region.y : key == "w" ? &region.w : key == "h" ? &region.h : nullptr;
      if (!field) return "unknown region field '" + key + "'";
      if (!value.is_number()) return "region \"" + key + "\" must be a number";
      *field = value.get<double>();
    }
    regions.push_back(std::move(region));
  }
  if (auto why = mcu::checkRegions(regions); !why.empty()) return why;
  return Layout{mcu::LayoutKind::kRegions, std::move(regions)};
}

// Why `regions` name a stream that is not one of `sources`, or nothing.
std::optional<std::string> regionsOutside(const std::vector<mcu::Region>& regions, const std::vector<std::string>& sources) {
  for (const auto& r : regions)
    if (std::find(sources.begin(), sources.end(), r.source) == sources.end())
      return "region source '" + r.source + "' is not one of the mix's sources";
  return std::nullopt;
}

// An integer field within [lo, hi], or why not.
std::optional<std::string> takeInt(const nlohmann::json& json, const char* key, int lo, int hi, int& out) {
  if (!json.contains(key)) return std::nullopt;
  const auto& v = json[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    return "\"" + std::string(key) + "\" must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  out = v.get<int>();
  return std::nullopt;
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
  static const std::vector<std::string> kKnown = {"name",   "sources", "loudest", "bitrate_kbps",  "audio", "video",
                                                  "room",   "layout",  "width",   "height",        "fps",
                                                  "video_bitrate"};
  for (const auto& [key, value] : json.items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) return bad("unknown field '" + key + "'");
  edge::MixSpec spec;
  if (!json.contains("name") || !json["name"].is_string() || !cluster::validStreamName(json["name"].get<std::string>()))
    return bad("\"name\" must be a valid stream name (the mix is the stream of that name)");
  spec.name = json["name"];
  if (json.contains("room")) {
    const std::string room = json["room"].is_string() ? json["room"].get<std::string>() : std::string();
    if (!room::validRoomName(room)) return bad("\"room\" must be a room name (1-64 of A-Z a-z 0-9 _ . -)");
    if (json.contains("sources")) return bad("a mix takes \"room\" or \"sources\", not both");
    spec.room = room;
  }
  for (const char* key : {"audio", "video"})
    if (json.contains(key) && !json[key].is_boolean()) return bad("\"" + std::string(key) + "\" must be true or false");
  spec.audio = json.value("audio", true);
  spec.video = json.value("video", false);
  if (!spec.audio && !spec.video) return bad("a mix needs audio, video or both");
  if (spec.room.empty()) {
    auto sources = parseSources(json.contains("sources") ? json["sources"] : nlohmann::json());
    if (auto* why = std::get_if<std::string>(&sources)) return bad(*why);
    spec.sources = std::get<std::vector<std::string>>(std::move(sources));
  }
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
  const bool videoField = json.contains("layout") || json.contains("width") || json.contains("height") ||
                          json.contains("fps") || json.contains("video_bitrate");
  if (videoField && !spec.video) return bad("layout, width, height, fps and video_bitrate need \"video\": true");
  if (auto why = takeInt(json, "width", 64, 1920, spec.width)) return bad(*why);
  if (auto why = takeInt(json, "height", 64, 1920, spec.height)) return bad(*why);
  if (auto why = takeInt(json, "fps", 1, 60, spec.fps)) return bad(*why);
  if (auto why = takeInt(json, "video_bitrate", 100, 20'000, spec.videoBitrateKbps))
    return bad(*why + " (kbit/s)");
  if (spec.width % 2 || spec.height % 2) return bad("\"width\" and \"height\" must be even");
  if (static_cast<int64_t>(spec.width) * spec.height > 1920 * 1080) return bad("the canvas is at most 1920x1080 pixels");
  if (json.contains("layout")) {
    auto layout = parseLayout(json["layout"]);
    if (auto* why = std::get_if<std::string>(&layout)) return bad(*why);
    std::tie(spec.layout, spec.regions) = std::get<0>(std::move(layout));
    if (!spec.room.empty() && spec.layout == mcu::LayoutKind::kRegions)
      return bad("a room's mix follows its participants: use \"grid\" or \"speaker\"");
    if (auto why = regionsOutside(spec.regions, spec.sources)) return bad(*why);
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
                            res.set(http::field::location, "/api/mixes/" + m.spec.name);
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
      const bool shape = !json.is_discarded() && json.is_object() && !json.empty() &&
                         std::all_of(json.items().begin(), json.items().end(),
                                     [](const auto& kv) { return kv.key() == "sources" || kv.key() == "layout"; });
      if (!shape)
        return reply(errorResponse(req, http::status::bad_request,
                                   "PATCH takes {\"sources\": [\"s1\", ...]} and/or {\"layout\": ...}"));
      if (!mixes_->find(name)) return reply(errorResponse(req, http::status::not_found, "no such mix"));
      std::optional<std::pair<mcu::LayoutKind, std::vector<mcu::Region>>> layout;
      if (json.contains("layout")) {
        auto parsed = parseLayout(json["layout"]);
        if (auto* why = std::get_if<std::string>(&parsed)) return reply(errorResponse(req, http::status::bad_request, *why));
        layout = std::get<0>(std::move(parsed));
        if (!mixes_->find(name)->spec.video)
          return reply(errorResponse(req, http::status::bad_request, "mix '" + name + "' has no video to lay out"));
      }
      std::optional<std::vector<std::string>> sources;
      if (json.contains("sources")) {
        auto parsed = parseSources(json["sources"]);
        if (auto* why = std::get_if<std::string>(&parsed))
          return reply(errorResponse(req, http::status::bad_request, *why));
        sources = std::get<std::vector<std::string>>(std::move(parsed));
      }
      if (layout) {
        if (auto why = regionsOutside(layout->second, sources ? *sources : mixes_->find(name)->spec.sources))
          return reply(errorResponse(req, http::status::bad_request, *why));
      }
      if (sources) {
        if (auto refused = mixes_->setSources(name, *sources))
          return reply(errorResponse(req, static_cast<http::status>(refused->status), refused->reason));
      }
      if (layout) {
        if (auto refused = mixes_->setLayout(name, layout->first, std::move(layout->second)))
          return reply(errorResponse(req, static_cast<http::status>(refused->status), refused->reason));
      }
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
