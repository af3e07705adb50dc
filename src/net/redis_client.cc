#include "net/redis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <charconv>
#include <deque>

#include "base/clock.h"

namespace rtcgate::net {

namespace {

RedisReply copyReply(const redisReply* r, int depth = 0) {
  RedisReply out;
  if (!r) return RedisReply::error("no reply");
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      if (depth > 8) return RedisReply::error("reply nested too deep");
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(copyReply(r->element[i], depth + 1));
      break;
    default:
      break;  // nil
  }
  return out;
}

}  // namespace

Result<RedisEndpoint> parseRedisUrl(std::string_view url, std::string* why) {
  const auto fail = [why](const char* reason) -> Result<RedisEndpoint> {
    if (why) *why = reason;
    return Error::malformed(reason);
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) return fail("a Redis URL starts with redis://");
  url.remove_prefix(kScheme.size());
  RedisEndpoint e;
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = url.substr(0, at);
    if (const auto colon = auth.find(':'); colon != std::string_view::npos) auth.remove_prefix(colon + 1);
    e.password = std::string(auth);
    url.remove_prefix(at + 1);
  }
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    const std::string_view db = url.substr(slash + 1);
    if (!db.empty()) {
      const auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
      if (ec != std::errc() || p != db.data() + db.size() || e.db > 15) return fail("the Redis database must be 0-15");
    }
    url = url.substr(0, slash);
  }
  std::string_view host = url;
  std::string_view port;
  if (!url.empty() && url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return fail("an IPv6 host needs its closing ']'");
    host = url.substr(1, close - 1);
    if (close + 1 < url.size()) {
      if (url[close + 1] != ':') return fail("expected ':' and a port after the IPv6 host");
      port = url.substr(close + 2);
    }
  } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  if (host.empty()) return fail("the Redis URL has no host");
  e.host = std::string(host);
  if (!port.empty()) {
    const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
    if (ec != std::errc() || p != port.data() + port.size() || e.port == 0) return fail("the Redis port must be 1-65535");
  }
  return e;
}

// One hiredis context and the Asio watchers of its socket. Shared by the handlers in flight, so
// it outlives a context hiredis frees from inside one of them.
struct RedisClient::Connection : std::enable_shared_from_this<RedisClient::Connection> {
  explicit Connection(boost::asio::io_context& io) : socket(io) {}

  RedisClient* owner = nullptr;  // null once stopped: replies are dropped
  redisAsyncContext* ac = nullptr;  // null once hiredis freed it
  boost::asio::posix::stream_descriptor socket;
  bool wantRead = false, wantWrite = false, readArmed = false, writeArmed = false;
  bool up = false;  // connected (handshake may still run)
  bool dropping = false;  // freed by us: its callbacks still get their errors, no disconnect news
  int64_t openedUs = 0;
  std::deque<int64_t> sentUs;  // in-flight commands' send times, in reply order

  void arm(bool read) {
    bool& want = read ? wantRead : wantWrite;
    bool& armed = read ? readArmed : writeArmed;
    if (!ac || !want || armed) return;
    armed = true;
    const auto kind = read ? boost::asio::posix::descriptor_base::wait_read : boost::asio::posix::descriptor_base::wait_write;
    socket.async_wait(kind, [self = shared_from_this(), read](const boost::system::error_code& ec) {
      (read ? self->readArmed : self->writeArmed) = false;
      if (ec || !self->ac || !(read ? self->wantRead : self->wantWrite)) return;
      if (read) redisAsyncHandleRead(self->ac);
      else redisAsyncHandleWrite(self->ac);
      self->arm(read);
    });
  }
  void detachSocket() {
    wantRead = wantWrite = false;
    if (socket.is_open()) socket.release();  // hiredis closes the descriptor; pending waits end aborted
  }

  static Connection* of(const redisAsyncContext* c) { return static_cast<Connection*>(c->data); }
  static void addRead(void* p) { auto* c = static_cast<Connection*>(p); c->wantRead = true; c->arm(true); }
  static void delRead(void* p) { static_cast<Connection*>(p)->wantRead = false; }
  static void addWrite(void* p) { auto* c = static_cast<Connection*>(p); c->wantWrite = true; c->arm(false); }
  static void delWrite(void* p) { static_cast<Connection*>(p)->wantWrite = false; }
  static void cleanup(void* p) {
    auto* c = static_cast<Connection*>(p);
    c->ac = nullptr;
    c->detachSocket();
  }
};

namespace {

struct PendingCommand {
  std::weak_ptr<RedisClient::Connection> conn;
  RedisClient::Callback done;
  bool handshake;
};

}  // namespace

RedisClient::RedisClient(EventLoop& loop, RedisEndpoint endpoint, RedisClientOptions options)
    : loop_(loop), endpoint_(std::move(endpoint)), options_(options), reconnectTimer_(loop), deadlineTimer_(loop) {}

RedisClient::~RedisClient() { stop(); }

void RedisClient::start() {
  if (running_) return;
  running_ = true;
  backoffUs_ = options_.minBackoffUs;
  connect();
  checkDeadline();
}

void RedisClient::stop() {
  if (!running_) return;
  running_ = false;
  reconnectTimer_.cancel();
  deadlineTimer_.cancel();
  if (auto c = std::move(conn_)) {
    c->owner = nullptr;
    if (c->ac) redisAsyncFree(c->ac);  // replies in flight are dropped (owner is gone)
  }
  setReady(false);
  pending_ = 0;
}

void RedisClient::connect() {
  if (!running_) return;
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (!ac) return onDisconnected("out of memory");
  if (ac->err) {
    const std::string why = ac->errstr;
    redisAsyncFree(ac);
    return onDisconnected(why);
  }
  auto c = std::make_shared<Connection>(loop_.context());
  c->owner = this;
  c->ac = ac;
  c->openedUs = SteadyClock().nowUs();
  boost::system::error_code ec;
  c->socket.assign(ac->c.fd, ec);
  if (ec) {
    c->ac = nullptr;
    redisAsyncFree(ac);
    return onDisconnected("cannot watch the socket: " + ec.message());
  }
  ac->data = c.get();
  ac->ev.data = c.get();
  ac->ev.addRead = &Connection::addRead;
  ac->ev.delRead = &Connection::delRead;
  ac->ev.addWrite = &Connection::addWrite;
  ac->ev.delWrite = &Connection::delWrite;
  ac->ev.cleanup = &Connection::cleanup;
  redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* ctx, int status) {
    Connection* conn = Connection::of(ctx);
    if (!conn->owner) return;
    conn->up = status == REDIS_OK;
    conn->owner->onConnected(status == REDIS_OK, ctx->errstr ? ctx->errstr : "connect failed");
  });
  redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* ctx, int) {
    Connection* conn = Connection::of(ctx);
    if (!conn->owner || conn->dropping) return;
    conn->owner->onDisconnected(ctx->err && ctx->errstr ? ctx->errstr : "connection closed");
  });
  conn_ = std::move(c);
  // hiredis asks for the write event itself for a non-blocking connect; make sure it is watched.
  conn_->wantWrite = true;
  conn_->arm(false);
}

void RedisClient::onConnected(bool ok, const std::string& why) {
  if (!ok) return onDisconnected(why);  // hiredis frees the context after this callback
  const auto handshakeDone = [this](const RedisReply& r, const char* what) {
    if (r.ok()) return true;
    spdlog::error("redis: {} refused by {}:{}: {}", what, endpoint_.host, endpoint_.port, r.str);
    if (conn_ && conn_->ac) redisAsyncDisconnect(conn_->ac);
    return false;
  };
  auto afterSelect = [this, handshakeDone](const RedisReply& r) {
    if (handshakeDone(r, "SELECT")) setReady(true);
  };
  auto afterAuth = [this, handshakeDone, afterSelect](const RedisReply& r) {
    if (!handshakeDone(r, "AUTH")) return;
    if (endpoint_.db != 0) send({"SELECT", std::to_string(endpoint_.db)}, afterSelect, true);
    else setReady(true);
  };
  if (!endpoint_.password.empty()) send({"AUTH", endpoint_.password}, afterAuth, true);
  else afterAuth(RedisReply{RedisReply::Type::kStatus, 0, "OK", {}});
}

void RedisClient::onDisconnected(const std::string& why) {
  // Called from inside hiredis (the context is freed right after) or from connect().
  if (conn_) conn_->owner = nullptr;
  conn_.reset();
  if (why != lastError_ || ready_) spdlog::warn("redis: {}:{} unavailable: {}", endpoint_.host, endpoint_.port, why);
  lastError_ = why;
  setReady(false);
  pending_ = 0;
  scheduleReconnect();
}

void RedisClient::scheduleReconnect() {
  if (!running_) return;
  reconnectTimer_.startUs(backoffUs_, [this] { connect(); });
  backoffUs_ = std::min(backoffUs_ * 2, options_.maxBackoffUs);
}

// A server that stops answering (stopped, partitioned) or a connect that hangs is dropped, so
// callers learn within the deadline and the client reconnects.
void RedisClient::checkDeadline() {
  if (!running_) return;
  deadlineTimer_.startUs(options_.replyTimeoutUs / 4, [this] { checkDeadline(); });
  if (!conn_ || !conn_->ac) return;
  const int64_t now = SteadyClock().nowUs();
  const bool connectHung = !conn_->up && now - conn_->openedUs > options_.replyTimeoutUs;
  const bool replyLate = !conn_->sentUs.empty() && now - conn_->sentUs.front() > options_.replyTimeoutUs;
  if (!connectHung && !replyLate) return;
  auto c = std::move(conn_);
  c->dropping = true;
  redisAsyncFree(c->ac);  // each command in flight is answered with an error
  c->owner = nullptr;
  onDisconnected(connectHung ? "connect timed out" : "no reply within the deadline");
}

void RedisClient::command(std::vector<std::string> args, Callback done) {
  if (!ready_) return done(RedisReply::error(lastError_.empty() ? "redis not connected" : "redis unavailable: " + lastError_));
  if (pending_ >= options_.maxPending) return done(RedisReply::error("too many redis commands in flight"));
  send(std::move(args), std::move(done), false);
}

void RedisClient::send(std::vector<std::string> args, Callback done, bool handshake) {
  if (!conn_ || !conn_->ac) return done(RedisReply::error("redis not connected"));
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* p = new PendingCommand{conn_, std::move(done), handshake};  // owned by hiredis until its callback
  const int rc = redisAsyncCommandArgv(
      conn_->ac,
      [](redisAsyncContext*, void* reply, void* privdata) {
        std::unique_ptr<PendingCommand> cmd(static_cast<PendingCommand*>(privdata));
        auto conn = cmd->conn.lock();
        if (!conn || !conn->owner) return;  // stopped or dropped: nobody waits for it
        if (!conn->sentUs.empty()) conn->sentUs.pop_front();
        RedisClient* self = conn->owner;
        if (self->pending_ > 0) --self->pending_;
        cmd->done(reply ? copyReply(static_cast<redisReply*>(reply)) : RedisReply::error("redis connection lost"));
      },
      p, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (rc != REDIS_OK) {
    std::unique_ptr<PendingCommand> own(p);
    return own->done(RedisReply::error("redis connection closing"));
  }
  conn_->sentUs.push_back(SteadyClock().nowUs());
  ++pending_;
}

void RedisClient::setReady(bool ready) {
  if (ready_ == ready) return;
  ready_ = ready;
  // Back-off starts over only once the server took us (AUTH, SELECT): a refused password keeps backing off.
  if (ready) backoffUs_ = options_.minBackoffUs;
  if (ready) spdlog::info("redis: connected to {}:{}", endpoint_.host, endpoint_.port);
  if (stateListener_) stateListener_(ready);
}

}  // namespace rtcgate::net
