#include "wire/sdp/simulcast_attributes.h"

#include "wire/sdp/sdp_text.h"

namespace rtcgate::wire::sdp {
namespace {

// RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_").
bool validRidId(std::string_view id) noexcept {
  if (id.empty() || id.size() > 255) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

Status parseRidParams(Rid& rid, std::string_view params) {
  for (auto piece : splitOn(params, ';')) {
    piece = trim(piece);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view key = piece.substr(0, eq);
    std::string_view val = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    if (key == "pt") {
      for (auto p : splitOn(val, ',')) {
        auto pt = parseNumber<uint8_t>(trim(p));
        if (!pt || *pt > 127) return Error::malformed("a=rid pt= list holds a bad payload type");
        rid.payloadTypes.push_back(*pt);
      }
    } else {
      rid.restrictions.emplace_back(std::string(key), std::string(val));
    }
  }
  return {};
}

// sc-str-list = sc-alt-list *(";" sc-alt-list); sc-alt-list = sc-id *("," sc-id).
Result<std::vector<SimulcastStream>> parseStreamList(std::string_view list) {
  std::vector<SimulcastStream> out;
  for (auto stream : splitOn(list, ';')) {
    SimulcastStream alts;
    for (auto id : splitOn(stream, ',')) {
      SimulcastRid r;
      if (!id.empty() && id.front() == '~') {
        r.paused = true;
        id.remove_prefix(1);
      }
      if (!validRidId(id)) return Error::malformed("a=simulcast lists a malformed rid");
      r.rid = std::string(id);
      alts.push_back(std::move(r));
    }
    out.push_back(std::move(alts));
  }
  return out;
}

std::string streamListToString(const std::vector<SimulcastStream>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ';';
    for (size_t j = 0; j < list[i].size(); ++j) {
      if (j > 0) out += ',';
      if (list[i][j].paused) out += '~';
      out += list[i][j].rid;
    }
  }
  return out;
}

}  // namespace

Result<Rid> Rid::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  if (t.size() < 2) return Error::malformed("a=rid must be '<id> send|recv [params]'");
  Rid rid;
  if (!validRidId(t[0])) return Error::malformed("a=rid id is not alphanumeric");
  rid.id = std::string(t[0]);
  if (t[1] == "send") {
    rid.direction = RidDirection::kSend;
  } else if (t[1] == "recv") {
    rid.direction = RidDirection::kRecv;
  } else {
    return Error::malformed("a=rid direction must be send or recv");
  }
  for (size_t i = 2; i < t.size(); ++i) {
    Status s = parseRidParams(rid, t[i]);
    if (!s) return s.error();
  }
  return rid;
}

std::string Rid::toString() const {
  std::string out = id + (direction == RidDirection::kSend ? " send" : " recv");
  std::string params;
  if (!payloadTypes.empty()) {
    params = "pt=";
    for (size_t i = 0; i < payloadTypes.size(); ++i) params += (i ? "," : "") + std::to_string(payloadTypes[i]);
  }
  for (const auto& [k, v] : restrictions) {
    if (!params.empty()) params += ';';
    params += v.empty() ? k : k + '=' + v;
  }
  if (!params.empty()) out += ' ' + params;
  return out;
}

Result<Simulcast> Simulcast::parse(std::string_view value) {
  auto t = splitWhitespace(value);
  if (t.empty() || t.size() % 2 != 0) return Error::malformed("a=simulcast must be 'send|recv <rid list>' pairs");
  Simulcast sc;
  for (size_t i = 0; i < t.size(); i += 2) {
    bool send = t[i] == "send";
    if (!send && t[i] != "recv") return Error::malformed("a=simulcast direction must be send or recv");
    auto& target = send ? sc.send : sc.recv;
    if (!target.empty()) return Error::malformed("a=simulcast repeats a direction");
    auto list = parseStreamList(t[i + 1]);
    if (!list) return list.error();
    target = std::move(list.value());
  }
  return sc;
}

std::string Simulcast::toString() const {
  std::string out;
  if (!send.empty()) out = "send " + streamListToString(send);
  if (!recv.empty()) out += (out.empty() ? "recv " : " recv ") + streamListToString(recv);
  return out;
}

}  // namespace rtcgate::wire::sdp
