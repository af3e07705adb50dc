#pragma once
// Small HTTP helpers shared by the API handlers: errors with reasons, CORS, JSON.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace rtcgate::api {

namespace http = boost::beast::http;

// A text/plain error whose body says why.
net::HttpResponse errorResponse(const net::HttpRequest& req, http::status status, std::string_view reason);
net::HttpResponse jsonResponse(const net::HttpRequest& req, http::status status, std::string body);
// The text of `j`. Strings that are not UTF-8 (a peer's words: an RTMP server's error text)
// come out with U+FFFD in place of the bad bytes instead of throwing.
std::string jsonText(const nlohmann::json& j);
// Access-Control-* headers for WHIP/WHEP (RFC 9725 §4.3: pages on other origins publish).
void addCors(net::HttpResponse& res);
// `reply`, adding the Access-Control-* headers to whatever is answered through it. Only
// WHIP/WHEP answer other origins; the admin API, metrics and files do not.
net::HttpReply withCors(const net::HttpRequest& req, net::HttpReply reply);
// A browser request sent by a page of another origin: its Origin header names another
// host than the Host it was sent to (or is "null"). Requests without Origin (curl, same-
// origin GETs) are not.
bool crossOrigin(const net::HttpRequest& req);
// Media type of the request without parameters, lower-cased ("application/sdp").
std::string mediaType(const net::HttpRequest& req);
// The bearer token of an Authorization header, or empty.
std::string_view bearerToken(const net::HttpRequest& req);
// Value of query parameter `name` in the request target, or empty.
std::string queryParam(const net::HttpRequest& req, std::string_view name);

}  // namespace rtcgate::api
