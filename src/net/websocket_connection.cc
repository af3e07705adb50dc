#include "net/websocket_connection.h"

#include "net/tls_stream.h"

#include <spdlog/spdlog.h>

#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <algorithm>
#include <chrono>
#include <string>

namespace rtcgate::net {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace http = boost::beast::http;

template <class Stream>
WebSocketConnection<Stream>::WebSocketConnection(Stream stream, SocketAddress remote, WebSocketLimits limits,
                                                 std::shared_ptr<size_t> open, ClientSlot slot)
    : ws_(std::move(stream)), remote_(std::move(remote)), limits_(limits), open_(std::move(open)), slot_(std::move(slot)) {
  ++*open_;
}

template <class Stream>
WebSocketConnection<Stream>::~WebSocketConnection() { --*open_; }

template <class Stream>
void WebSocketConnection<Stream>::accept(const HttpRequest& request, WebSocketListener& listener) {
  listener_ = &listener;
  beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts take over
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(limits_.idleTimeoutSeconds);
  timeouts.keep_alive_pings = true;  // a ping at half the idle time; no answer ends it
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "rtcgate"); }));
  // Messages over our limit are read to their end and discarded, so the client gets a clean
  // close with a reason (cutting the connection mid-message shows it only a reset); Beast's
  // own cap stops a message that never ends.
  ws_.read_message_max(std::max<size_t>(limits_.maxMessageBytes, kDiscardCapBytes));
  ws_.text(true);
  ws_.async_accept(request, [self = this->shared_from_this()](beast::error_code ec) {
    if (ec) return self->finish(1006, "handshake failed: " + ec.message());
    self->read();
    self->writeNext();  // what the handler sent while the handshake ran
  });
}

template <class Stream>
void WebSocketConnection<Stream>::refuse(HttpResponse response) {
  auto shared = std::make_shared<HttpResponse>(std::move(response));
  shared->keep_alive(false);
  finished_ = true;
  http::async_write(ws_.next_layer(), *shared, [self = this->shared_from_this(), shared](beast::error_code, size_t) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

template <class Stream>
bool WebSocketConnection<Stream>::send(std::string text) {
  if (closing_ || finished_) return false;
  if (queuedBytes_ + text.size() > limits_.maxQueuedBytes) {
    spdlog::warn("websocket {}: client does not read ({} bytes queued), closing", remote_.toString(), queuedBytes_);
    closeCode_ = static_cast<uint16_t>(CloseCode::kPolicy);
    closeReason_ = "client too slow to read";
    closeNow();
    return false;
  }
  queuedBytes_ += text.size();
  queue_.push_back(std::move(text));
  if (ws_.is_open()) writeNext();
  return true;
}

template <class Stream>
void WebSocketConnection<Stream>::close(CloseCode code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  closeCode_ = static_cast<uint16_t>(code);
  // A close reason is at most 123 bytes (RFC 6455 §5.5: control frames carry ≤ 125).
  closeReason_ = std::string(reason.substr(0, 123));
  if (ws_.is_open()) writeNext();
}

template <class Stream>
void WebSocketConnection<Stream>::read() {
  ws_.async_read_some(readBuffer_, 64 * 1024,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
}

template <class Stream>
void WebSocketConnection<Stream>::onRead(beast::error_code ec) {
  if (ec) {
    if (ec == websocket::error::closed) return finish(ws_.reason().code, std::string(ws_.reason().reason.c_str()));
    if (ec == websocket::error::message_too_big)
      return finish(static_cast<uint16_t>(CloseCode::kTooBig), "message over the hard cap");
    return finish(closeReason_.empty() ? 1006 : closeCode_, closeReason_.empty() ? ec.message() : closeReason_);
  }
  if (!ws_.got_text()) {
    readBuffer_.consume(readBuffer_.size());
    close(CloseCode::kUnsupported, "text frames only");
    return read();  // ends when the client answers the close
  }
  if (readBuffer_.size() > limits_.maxMessageBytes) {
    oversized_ = true;
    readBuffer_.consume(readBuffer_.size());
  }
  if (!ws_.is_message_done()) return read();
  if (oversized_) {
    oversized_ = false;
    close(CloseCode::kTooBig, "message larger than " + std::to_string(limits_.maxMessageBytes) + " bytes");
    return read();
  }
  const auto data = readBuffer_.cdata();
  if (listener_ && !closing_)
    listener_->onMessage(std::string_view(static_cast<const char*>(data.data()), data.size()));
  readBuffer_.consume(readBuffer_.size());
  if (!finished_) read();
}

template <class Stream>
void WebSocketConnection<Stream>::writeNext() {
  if (writing_ || finished_) return;
  if (queue_.empty()) {
    if (!closing_) return;
    writing_ = true;  // the close frame is the last write
    websocket::close_reason why(static_cast<websocket::close_code>(closeCode_), closeReason_);
    ws_.async_close(why, [self = this->shared_from_this()](beast::error_code) {
      self->writing_ = false;
      self->finish(self->closeCode_, self->closeReason_);
    });
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    if (self->finished_) return;  // finish() dropped the queue
    self->queuedBytes_ -= self->queue_.front().size();
    self->queue_.pop_front();
    if (ec) return self->closeNow();
    self->writeNext();
  });
}

template <class Stream>
void WebSocketConnection<Stream>::closeNow() {
  closing_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

template <class Stream>
void WebSocketConnection<Stream>::finish(uint16_t code, std::string_view reason) {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  if (!writing_) {
    queue_.clear();
    queuedBytes_ = 0;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }
  if (auto* l = std::exchange(listener_, nullptr)) l->onClosed(code, reason);
}

template class WebSocketConnection<PlainStream>;
template class WebSocketConnection<TlsStream>;

}  // namespace rtcgate::net
