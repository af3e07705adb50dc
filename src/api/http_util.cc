#include "api/http_util.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace rtcgate::api {

std::string jsonText(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

void addCors(net::HttpResponse& res) {
  res.set(http::field::access_control_allow_origin, "*");
  res.set(http::field::access_control_allow_methods, "GET, POST, PATCH, DELETE, OPTIONS");
  res.set(http::field::access_control_allow_headers, "Authorization, Content-Type, If-Match");
  res.set(http::field::access_control_expose_headers, "Location, ETag, Link, Accept-Patch");
}

net::HttpReply withCors(const net::HttpRequest& req, net::HttpReply reply) {
  return net::HttpReply(
      [reply](net::HttpResponse res) {
        addCors(res);
        reply(std::move(res));
      },
      req.version(), req.keep_alive(), reply.remote());
}

bool crossOrigin(const net::HttpRequest& req) {
  const auto origin = req.find(http::field::origin);
  if (origin == req.end()) return false;
  std::string_view o = origin->value();
  for (std::string_view scheme : {"http://", "https://"}) {
    if (o.substr(0, scheme.size()) == scheme) {
      o.remove_prefix(scheme.size());
      std::string host(req[http::field::host]), theirs(o);
      std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
      std::transform(theirs.begin(), theirs.end(), theirs.begin(), [](unsigned char c) { return std::tolower(c); });
      return host.empty() || theirs != host;
    }
  }
  return true;  // "null" (sandboxed pages, file://) or anything else
}

net::HttpResponse errorResponse(const net::HttpRequest& req, http::status status, std::string_view reason) {
  return net::makeResponse(req, status, std::string(reason) + "\n");
}

net::HttpResponse jsonResponse(const net::HttpRequest& req, http::status status, std::string body) {
  return net::makeResponse(req, status, std::move(body), "application/json");
}

std::string mediaType(const net::HttpRequest& req) {
  std::string v(req[http::field::content_type]);
  if (auto semi = v.find(';'); semi != std::string::npos) v.resize(semi);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v;
}

std::string_view bearerToken(const net::HttpRequest& req) {
  std::string_view v = req[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (v.size() <= kBearer.size()) return {};
  for (size_t i = 0; i < kBearer.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(v[i])) != std::tolower(static_cast<unsigned char>(kBearer[i])))
      return {};
  return v.substr(kBearer.size());
}

std::string queryParam(const net::HttpRequest& req, std::string_view name) {
  std::string_view target = req.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace rtcgate::api
