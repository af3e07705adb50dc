#pragma once
// The HTTP answer to a refused access decision: 401 with a Bearer challenge (RFC 6750 §3)
// for a missing or invalid token, 403 for a valid one that does not allow the request.

#include "cluster/access_policy.h"
#include "net/http_server.h"

namespace rtcgate::api {

net::HttpResponse accessRefused(const net::HttpRequest& req, const cluster::AccessDecision& decision);

}  // namespace rtcgate::api
