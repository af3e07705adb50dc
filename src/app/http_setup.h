#pragma once
// From the config to what the HTTP server takes: its limits and, for HTTPS, a TLS context
// (from the configured certificate, or a self-signed one made on first run).

#include <memory>

#include "app/config.h"
#include "net/http_server.h"
#include "net/tls_context.h"
#include "net/websocket.h"

namespace rtcgate::app {

net::HttpLimits httpLimitsOf(const Config& config);
net::WebSocketLimits webSocketLimitsOf(const Config& config);

// The TLS context of the HTTPS listener; null when https_listen is empty. Throws
// std::runtime_error (a startup error) when HTTPS is asked for without a usable certificate.
std::shared_ptr<net::TlsContext> tlsContextOf(const Config& config);

}  // namespace rtcgate::app
