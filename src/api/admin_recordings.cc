// The admin API's recordings: POST /api/streams/{stream}/recordings starts one, GET lists a
// stream's, GET/DELETE /api/streams/{stream}/recordings/{id} shows or stops one (DELETE
// answers once the file is finished), GET /api/recordings lists all.
#include <nlohmann/json.hpp>

#include "api/admin_handler.h"
#include "api/http_util.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const edge::RecordingInfo& r) {
  return {{"id", r.id},
          {"stream", r.stream},
          {"state", r.state},
          {"file", r.file},
          {"format", r.format},
          {"bytes", r.bytes},
          {"duration_seconds", r.durationSeconds},
          {"segments", r.segments},
          {"error", r.error},
          {"created_ms", r.createdMs}};
}

}  // namespace

void AdminHandler::recordings(const net::HttpRequest& req, const std::string& stream, std::string_view id,
                              const net::HttpReply& reply) {
  if (!recordings_) return reply(errorResponse(req, http::status::not_found, "recordings are not available"));
  const auto method = req.method();
  if (id.empty() && method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& r : recordings_->list(stream)) out.push_back(toJson(r));
    return reply(jsonResponse(req, http::status::ok, jsonText(out)));
  }
  if (stream.empty()) return reply(errorResponse(req, http::status::method_not_allowed, "use GET on /api/recordings"));
  if (id.empty() && method == http::verb::post) {
    if (!req.body().empty()) {
      const auto body = nlohmann::json::parse(req.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object() || !body.empty())
        return reply(errorResponse(req, http::status::bad_request, "a recording takes no options: send {} or nothing"));
    }
    auto started = recordings_->start(stream);
    if (auto* refused = std::get_if<edge::RecordingRefusal>(&started))
      return reply(errorResponse(req, static_cast<http::status>(refused->status), refused->reason));
    const auto& info = std::get<edge::RecordingInfo>(started);
    auto res = jsonResponse(req, http::status::created, jsonText(toJson(info)));
    res.set(http::field::location, "/api/streams/" + stream + "/recordings/" + info.id);
    return reply(std::move(res));
  }
  if (!id.empty() && method == http::verb::get) {
    const auto r = recordings_->find(stream, std::string(id));
    if (!r) return reply(errorResponse(req, http::status::not_found, "no such recording"));
    return reply(jsonResponse(req, http::status::ok, jsonText(toJson(*r))));
  }
  if (!id.empty() && method == http::verb::delete_) {
    return recordings_->stop(stream, std::string(id),
                             [head = net::requestHead(req), reply](std::optional<edge::RecordingInfo> r) {
                               if (!r) return reply(errorResponse(head, http::status::not_found, "no such recording"));
                               reply(jsonResponse(head, http::status::ok, jsonText(toJson(*r))));
                             });
  }
  reply(errorResponse(req, http::status::method_not_allowed,
                      "use POST or GET on /recordings, GET or DELETE on /recordings/{id}"));
}

}  // namespace rtcgate::api
