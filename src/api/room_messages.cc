#include "api/room_messages.h"

#include <array>
#include <cctype>
#include <utility>

#include "cluster/stream_access.h"
#include "wire/sdp/session_description.h"

namespace rtcgate::api::room {

namespace {

using json = nlohmann::json;
using Outcome = std::variant<ClientMessage, ParseError>;

constexpr size_t kMaxSdpBytes = wire::sdp::kMaxSdpBytes;
constexpr size_t kMaxRidBytes = 64;
constexpr size_t kMaxTracks = 16;
constexpr uint32_t kMaxDimension = 16384;

constexpr int kMaxMetadataDepth = 8;

ParseError bad(std::string message) { return {ErrorCode::kBadMessage, std::move(message), {}}; }

// Whether `v` nests no deeper than `depth` (checked before anything recurses over it).
bool shallow(const nlohmann::json& v, int depth) {
  if (!v.is_structured()) return true;
  if (depth == 0) return false;
  for (const auto& child : v)
    if (!shallow(child, depth - 1)) return false;
  return true;
}

// Reads the fields of one message object; the first problem is kept as the error.
class Fields {
 public:
  explicit Fields(const json& object) : o_(object) {}

  std::optional<std::string> string(const char* key, size_t maxBytes, bool required) {
    const json* v = find(key);
    if (!v) return missing(key, required), std::nullopt;
    if (!v->is_string()) return fail(std::string(key) + " must be a string"), std::nullopt;
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > maxBytes) return fail(std::string(key) + " is longer than " + std::to_string(maxBytes)), std::nullopt;
    return s;
  }
  std::optional<bool> boolean(const char* key, bool required) {
    const json* v = find(key);
    if (!v) return missing(key, required), std::nullopt;
    if (!v->is_boolean()) return fail(std::string(key) + " must be true or false"), std::nullopt;
    return v->get<bool>();
  }
  std::optional<uint64_t> unsignedInt(const char* key, uint64_t max, bool required) {
    const json* v = find(key);
    if (!v) return missing(key, required), std::nullopt;
    if (!v->is_number_unsigned() || v->get<uint64_t>() > max)
      return fail(std::string(key) + " must be a whole number up to " + std::to_string(max)), std::nullopt;
    return v->get<uint64_t>();
  }
  // A JSON object no larger than `maxBytes` serialized.
  std::optional<json> object(const char* key, size_t maxBytes) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_object()) return fail(std::string(key) + " must be an object"), std::nullopt;
    if (!shallow(*v, kMaxMetadataDepth))
      return fail(std::string(key) + " nests deeper than " + std::to_string(kMaxMetadataDepth)), std::nullopt;
    if (v->dump().size() > maxBytes)
      return fail(std::string(key) + " is larger than " + std::to_string(maxBytes) + " bytes"), std::nullopt;
    return *v;
  }
  const json* find(const char* key) const {
    auto it = o_.find(key);
    return it == o_.end() || it->is_null() ? nullptr : &*it;
  }
  void fail(std::string message) {
    if (!error_) error_ = bad(std::move(message));
  }
  std::optional<ParseError> error() const { return error_; }

 private:
  void missing(const char* key, bool required) {
    if (required) fail(std::string("missing ") + key);
  }
  const json& o_;
  std::optional<ParseError> error_;
};

template <typename T>
Outcome finish(Fields& f, T value) {
  if (auto e = f.error()) return *e;
  return ClientMessage(std::move(value));
}

std::optional<Source> sourceField(Fields& f, const char* key) {
  auto name = f.string(key, 16, true);
  if (!name) return std::nullopt;
  auto s = sfu::trackSourceFromName(*name);
  if (!s) f.fail(std::string(key) + " must be camera, microphone or screen");
  return s;
}

Connection connectionField(Fields& f) {
  auto name = f.string("connection", 16, false);
  if (!name || *name == "main") return Connection::kMain;
  if (*name == "screen") return Connection::kScreen;
  f.fail("connection must be main or screen");
  return Connection::kMain;
}

Outcome parseJoin(const json& o) {
  Fields f(o);
  Join j;
  j.room = f.string("room", 64, true).value_or("");
  j.name = f.string("name", kMaxNameLength, true).value_or("");
  j.displayName = f.string("displayName", kMaxDisplayNameBytes, false).value_or(j.name);
  j.token = f.string("token", 4096, false).value_or("");
  j.mixedAudio = f.boolean("mixedAudio", false).value_or(false);
  j.data = f.boolean("data", false).value_or(false);
  if (auto m = f.object("metadata", kMaxMetadataBytes)) j.metadata = std::move(*m);
  if (const json* r = f.find("resume")) {
    if (!r->is_object()) {
      f.fail("resume must be an object");
    } else {
      Fields rf(*r);
      Resume resume{rf.string("participant", kMaxNameLength, true).value_or(""), rf.string("secret", 128, true).value_or("")};
      if (auto e = rf.error()) f.fail("resume: " + e->message);
      j.resume = std::move(resume);
    }
  }
  if (!f.error() && !validRoomName(j.room)) f.fail("room must be 1-64 of [A-Za-z0-9_.-]");
  if (!f.error() && !validParticipantName(j.name)) f.fail("name must be 1-48 of [A-Za-z0-9_-]");
  return finish(f, std::move(j));
}

std::vector<PublishedTrack> tracksField(Fields& f) {
  std::vector<PublishedTrack> out;
  const json* list = f.find("tracks");
  if (!list) return f.fail("missing tracks"), out;
  if (!list->is_array() || list->size() > kMaxTracks)
    return f.fail("tracks must be a list of at most " + std::to_string(kMaxTracks)), out;
  for (const auto& item : *list) {
    if (!item.is_object()) return f.fail("each track must be an object"), out;
    Fields tf(item);
    PublishedTrack t;
    t.mid = tf.string("mid", 32, true).value_or("");
    t.source = sourceField(tf, "source").value_or(Source::kCamera);
    if (auto e = tf.error()) return f.fail("tracks: " + e->message), out;
    out.push_back(std::move(t));
  }
  return out;
}

Outcome parsePublish(const json& o) {
  Fields f(o);
  Publish p;
  p.connection = connectionField(f);
  p.sdp = f.string("sdp", kMaxSdpBytes, true).value_or("");
  p.tracks = tracksField(f);
  return finish(f, std::move(p));
}

Outcome parseUnpublish(const json& o) {
  Fields f(o);
  Unpublish u{connectionField(f)};
  return finish(f, u);
}

Outcome parseAnswer(const json& o) {
  Fields f(o);
  Answer a;
  a.negotiation = f.unsignedInt("negotiation", UINT32_MAX, true).value_or(0);
  a.sdp = f.string("sdp", kMaxSdpBytes, true).value_or("");
  return finish(f, std::move(a));
}

Outcome parseMute(const json& o) {
  Fields f(o);
  Mute m;
  m.source = sourceField(f, "source").value_or(Source::kCamera);
  m.muted = f.boolean("muted", true).value_or(false);
  return finish(f, m);
}

Outcome parseSubscription(const json& o) {
  Fields f(o);
  Subscription s;
  s.track = f.string("track", 128, true).value_or("");
  s.subscribed = f.boolean("subscribed", false);
  s.paused = f.boolean("paused", false);
  if (auto layer = f.string("layer", 1, false)) {
    s.layer = sfu::qualityFromName(*layer);
    if (!s.layer) f.fail("layer must be h, m or l");
  }
  if (auto w = f.unsignedInt("maxWidth", kMaxDimension, false)) s.maxWidth = static_cast<uint32_t>(*w);
  if (auto h = f.unsignedInt("maxHeight", kMaxDimension, false)) s.maxHeight = static_cast<uint32_t>(*h);
  return finish(f, std::move(s));
}

Outcome parseUpdate(const json& o) {
  Fields f(o);
  Update u;
  u.displayName = f.string("displayName", kMaxDisplayNameBytes, false);
  u.metadata = f.object("metadata", kMaxMetadataBytes);
  if (!f.error() && !u.displayName && !u.metadata) f.fail("update needs displayName or metadata");
  return finish(f, std::move(u));
}

Outcome parseRestartIce(const json&) { return ClientMessage(RestartIce{}); }
Outcome parseLeave(const json&) { return ClientMessage(Leave{}); }
Outcome parsePing(const json&) { return ClientMessage(Ping{}); }

struct MessageType {
  std::string_view name;
  Outcome (*parse)(const json&);
};
constexpr std::array<MessageType, 10> kTypes{{
    {"join", parseJoin},
    {"publish", parsePublish},
    {"unpublish", parseUnpublish},
    {"answer", parseAnswer},
    {"mute", parseMute},
    {"subscription", parseSubscription},
    {"update", parseUpdate},
    {"restartIce", parseRestartIce},
    {"leave", parseLeave},
    {"ping", parsePing},
}};


}  // namespace

std::string_view errorCodeName(ErrorCode code) noexcept {
  static constexpr std::array<std::string_view, kErrorCodeCount> kNames{
      "bad_json",       "bad_message", "unknown_type", "not_joined",   "already_joined", "unauthorized",
      "room_full",      "too_many_rooms", "no_offer",  "sdp_rejected", "rate_limited",   "unavailable"};
  return kNames[static_cast<size_t>(code)];
}

std::string_view connectionName(Connection c) noexcept { return c == Connection::kScreen ? "screen" : "main"; }

bool validRoomName(std::string_view room) noexcept { return cluster::validNamePart(room); }

bool validParticipantName(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::variant<Parsed, ParseError> parseClientMessage(std::string_view text) {
  const json o = json::parse(text, nullptr, false);
  if (o.is_discarded()) return ParseError{ErrorCode::kBadJson, "message is not JSON", {}};
  if (!o.is_object()) return ParseError{ErrorCode::kBadMessage, "message must be a JSON object", {}};
  std::string rid;
  if (auto it = o.find("rid"); it != o.end() && it->is_string() && it->get_ref<const std::string&>().size() <= kMaxRidBytes)
    rid = it->get<std::string>();
  auto type = o.find("type");
  if (type == o.end() || !type->is_string()) return ParseError{ErrorCode::kBadMessage, "missing type", rid};
  const auto& name = type->get_ref<const std::string&>();
  for (const auto& t : kTypes) {
    if (t.name != name) continue;
    Outcome out = t.parse(o);
    if (auto* e = std::get_if<ParseError>(&out)) {
      e->message = std::string(t.name) + ": " + e->message;
      e->rid = rid;
      return *e;
    }
    return Parsed{std::move(rid), std::move(std::get<ClientMessage>(out))};
  }
  return ParseError{ErrorCode::kUnknownType, "unknown message type '" + name.substr(0, 32) + "'", rid};
}

}  // namespace rtcgate::api::room
