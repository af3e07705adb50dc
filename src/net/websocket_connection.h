#pragma once
// WebSocketConnection: one upgraded HTTP connection (Boost.Beast websocket, over plain TCP
// or TLS) — reads text messages into its listener, writes a bounded queue, closes with a
// code and a reason. Instantiated for PlainStream and TlsStream (net/tls_stream.h).

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <string>

#include "net/client_limiter.h"
#include "net/websocket.h"

namespace rtcgate::net {

template <class Stream>
class WebSocketConnection final : public WebSocketChannel,
                                  public std::enable_shared_from_this<WebSocketConnection<Stream>> {
 public:
  // A message is cut (connection failed) past this even while it is being discarded.
  static constexpr size_t kDiscardCapBytes = 8 * 1024 * 1024;
  // `open` counts the server's live connections (decremented when this one goes); `slot`
  // keeps the client's place in the per-client count while the connection lives.
  WebSocketConnection(Stream stream, SocketAddress remote, WebSocketLimits limits, std::shared_ptr<size_t> open,
                      ClientSlot slot);
  ~WebSocketConnection() override;

  // Completes the handshake of `request` and starts delivering messages to `listener`.
  void accept(const HttpRequest& request, WebSocketListener& listener);
  // Answers the upgrade request with `response` (a refusal) and closes.
  void refuse(HttpResponse response);

  // WebSocketChannel
  bool send(std::string text) override;
  void close(CloseCode code, std::string_view reason) override;
  const SocketAddress& remote() const noexcept override { return remote_; }

 private:
  void read();
  void onRead(boost::beast::error_code ec);
  void writeNext();
  void closeNow();
  // Tells the listener once that the connection is over.
  void finish(uint16_t code, std::string_view reason);

  boost::beast::websocket::stream<Stream> ws_;
  SocketAddress remote_;
  WebSocketLimits limits_;
  std::shared_ptr<size_t> open_;
  ClientSlot slot_;
  WebSocketListener* listener_ = nullptr;
  boost::beast::flat_buffer readBuffer_;
  std::deque<std::string> queue_;
  size_t queuedBytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;  // close() called: no more sends, close frame after the queue
  bool finished_ = false;
  bool oversized_ = false;  // the message being read is over the limit: discarded
  uint16_t closeCode_ = 1000;
  std::string closeReason_;
};

}  // namespace rtcgate::net
