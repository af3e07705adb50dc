#pragma once
// RedisClient: one connection to a Redis server on an event loop — hiredis's asynchronous API
// under a small Boost.Asio adapter. Commands are answered by callbacks on the loop; while the
// connection is down they fail at once (never queue without bound), a server that stops
// answering is dropped after a deadline, and the client reconnects with back-off.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/event_loop.h"

namespace rtcgate::net {

// Where the server is: "redis://[[user]:password@]host[:port][/db]".
struct RedisEndpoint {
  std::string host;
  uint16_t port = 6379;
  std::string password;
  unsigned db = 0;
};
// The endpoint of a redis:// URL; an error naming what is wrong.
Result<RedisEndpoint> parseRedisUrl(std::string_view url, std::string* why = nullptr);

// One reply, copied out of hiredis's tree.
struct RedisReply {
  enum class Type : uint8_t { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // string, status or error text
  std::vector<RedisReply> elements;

  bool ok() const noexcept { return type != Type::kError; }
  bool isNil() const noexcept { return type == Type::kNil; }
  static RedisReply error(std::string text) {
    RedisReply r;
    r.type = Type::kError;
    r.str = std::move(text);
    return r;
  }
};

struct RedisClientOptions {
  int64_t replyTimeoutUs = 2'000'000;  // the oldest unanswered command; then the connection is dropped
  int64_t minBackoffUs = 200'000;      // first reconnect delay, doubled up to the max
  int64_t maxBackoffUs = 2'000'000;
  size_t maxPending = 10'000;  // commands in flight; more fail at once
};

class RedisClient {
 public:
  using Callback = std::function<void(const RedisReply&)>;
  // Told on the loop when the connection comes up (after AUTH/SELECT) or goes down.
  using StateListener = std::function<void(bool connected)>;

  RedisClient(EventLoop& loop, RedisEndpoint endpoint, RedisClientOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  void setStateListener(StateListener listener) { stateListener_ = std::move(listener); }
  // Connects (and keeps reconnecting); on the loop thread.
  void start();
  // Disconnects; commands in flight are dropped without their callbacks (their owner is going
  // away too). No callback runs after it returns.
  void stop();

  bool connected() const noexcept { return ready_; }
  const RedisEndpoint& endpoint() const noexcept { return endpoint_; }
  size_t pending() const noexcept { return pending_; }

  // Sends one command (its arguments binary-safe). `done` runs on the loop with the reply, or
  // with an error reply when the connection is down or lost first.
  void command(std::vector<std::string> args, Callback done);

  struct Connection;  // hiredis context + its Asio watchers (redis_client.cc)

 private:
  void connect();
  void onConnected(bool ok, const std::string& why);
  void onDisconnected(const std::string& why);
  void scheduleReconnect();
  void checkDeadline();
  void send(std::vector<std::string> args, Callback done, bool handshake);
  void setReady(bool ready);

  EventLoop& loop_;
  RedisEndpoint endpoint_;
  RedisClientOptions options_;
  StateListener stateListener_;
  std::shared_ptr<Connection> conn_;
  Timer reconnectTimer_;
  Timer deadlineTimer_;
  bool running_ = false;
  bool ready_ = false;
  int64_t backoffUs_ = 0;
  size_t pending_ = 0;
  std::string lastError_;
};

}  // namespace rtcgate::net
