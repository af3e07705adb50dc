#include "api/access_response.h"

#include "api/http_util.h"

namespace rtcgate::api {

net::HttpResponse accessRefused(const net::HttpRequest& req, const cluster::AccessDecision& d) {
  const bool unauthenticated = d.verdict == cluster::AccessVerdict::kUnauthenticated;
  auto res =
      errorResponse(req, unauthenticated ? http::status::unauthorized : http::status::forbidden, d.reason);
  // The reason travels in the body; the challenge only names the scheme and the error class
  // (a quoted-string must not hold what a client put in its request).
  if (unauthenticated) {
    const bool noToken = bearerToken(req).empty();
    res.set(http::field::www_authenticate,
            noToken ? "Bearer realm=\"rtcgate\"" : "Bearer realm=\"rtcgate\", error=\"invalid_token\"");
  } else {
    res.set(http::field::www_authenticate, "Bearer realm=\"rtcgate\", error=\"insufficient_scope\"");
  }
  return res;
}

}  // namespace rtcgate::api
