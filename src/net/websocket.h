#pragma once
// WebSocket (RFC 6455) on the HTTP listener: what a handler of upgraded connections sees.
// Everything runs on the control thread; text messages only (signaling is JSON).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "base/socket_address.h"
#include "net/http_server.h"

namespace rtcgate::net {

// Close codes we send (RFC 6455 §7.4.1).
enum class CloseCode : uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,
  kUnsupported = 1003,  // a binary frame on a text-only channel
  kPolicy = 1008,       // rate limits, a client too slow to read
  kTooBig = 1009,
  kInternal = 1011,
};

// The server's side of one open WebSocket, for its handler to send on and close.
class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  // Queues one text message. Past the queue bound (a client that does not read) the channel
  // closes with kPolicy and this returns false; after close() it does nothing.
  virtual bool send(std::string text) = 0;
  // Sends what is queued, then a close frame with `code` and `reason`; the listener then
  // gets onClosed once.
  virtual void close(CloseCode code, std::string_view reason) = 0;
  virtual const SocketAddress& remote() const noexcept = 0;
};

// What a handler gives for an accepted connection: it gets each message and, once, the end.
class WebSocketListener {
 public:
  virtual ~WebSocketListener() = default;
  virtual void onMessage(std::string_view text) = 0;
  // The connection is over (either side closed, or it failed); no call follows. `code` is
  // the peer's close code when it sent one (1006 when the connection just dropped).
  virtual void onClosed(uint16_t code, std::string_view reason) = 0;
};

// Accepts or refuses upgrade requests of one route. On acceptance the listener must stay
// alive until its onClosed; it may keep the channel (a shared reference) to send on.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  using Decision = std::variant<HttpResponse, WebSocketListener*>;
  virtual Decision accept(const HttpRequest& request, std::string_view rest,
                          std::shared_ptr<WebSocketChannel> channel) = 0;
};

// Limits of each WebSocket connection.
struct WebSocketLimits {
  size_t maxMessageBytes = 64 * 1024;
  size_t maxQueuedBytes = 1024 * 1024;  // unsent output before a client counts as too slow
  int idleTimeoutSeconds = 30;          // pings keep a healthy connection alive
  size_t maxConnections = 10000;
};

}  // namespace rtcgate::net
