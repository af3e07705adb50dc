#include "api/room_signaling.h"

#include <spdlog/spdlog.h>

#include "api/http_util.h"
#include "api/room_json.h"
#include "base/log.h"
#include "edge/relay_manager.h"

namespace rtcgate::api {

using json = nlohmann::json;
using room::ErrorCode;

// One signaling WebSocket: which participant of which room it speaks for, once joined.
class RoomSignaling::Connection final : public net::WebSocketListener {
 public:
  Connection(RoomSignaling& owner, std::shared_ptr<net::WebSocketChannel> channel)
      : channel(std::move(channel)), owner_(owner) {}
  void onMessage(std::string_view text) override { owner_.onMessage(*this, text); }
  void onClosed(uint16_t, std::string_view) override { owner_.onClosed(*this); }

  std::shared_ptr<net::WebSocketChannel> channel;
  std::string room;  // set once joined
  std::string name;
  bool left = false;
  RateLimit rate{1'000'000, kMessagesPerSecond};

 private:
  RoomSignaling& owner_;
};

RoomSignaling::RoomSignaling(net::EventLoop& loop, cluster::Directory& directory, cluster::MediaWorkers& workers,
                             const ApiConfig& config, const crypto::dtls::Certificate& certificate)
    : loop_(loop),
      directory_(directory),
      config_(config),
      context_{directory, workers, config, certificate, clock_,
               [this](ErrorCode code) { ++errors_[static_cast<size_t>(code)]; }},
      timer_(loop) {}

RoomSignaling::~RoomSignaling() {
  timer_.cancel();
  endAll("shutdown");
}

void RoomSignaling::start() {
  timer_.startUs(kTickUs, [this] {
    tick();
    start();
  });
}

net::WebSocketHandler::Decision RoomSignaling::accept(const net::HttpRequest& request, std::string_view rest,
                                                      std::shared_ptr<net::WebSocketChannel> channel) {
  if (!rest.empty()) return errorResponse(request, http::status::not_found, "room signaling is at /rooms/ws");
  auto c = std::make_unique<Connection>(*this, std::move(channel));
  Connection* raw = c.get();
  connections_.emplace(raw, std::move(c));
  return static_cast<net::WebSocketListener*>(raw);
}

void RoomSignaling::refuse(Connection& c, ErrorCode code, std::string_view text, const std::string& rid) {
  ++errors_[static_cast<size_t>(code)];
  c.channel->send(room::errorMessage(code, text, rid));
}

void RoomSignaling::onMessage(Connection& c, std::string_view text) {
  ++messages_;
  if (c.left) return;
  if (!c.rate.allow(clock_.nowUs())) {
    ++errors_[static_cast<size_t>(ErrorCode::kRateLimited)];
    spdlog::warn("rooms: {} sends more than {} messages a second, closing", c.channel->remote().toString(),
                 kMessagesPerSecond);
    return c.channel->close(net::CloseCode::kPolicy, "too many messages");
  }
  auto parsed = room::parseClientMessage(text);
  if (auto* e = std::get_if<room::ParseError>(&parsed)) return refuse(c, e->code, e->message, e->rid);
  auto& [rid, message] = std::get<room::Parsed>(parsed);
  if (auto* ping = std::get_if<room::Ping>(&message)) {
    (void)ping;
    return (void)c.channel->send(room::message("pong"));
  }
  if (auto* join = std::get_if<room::Join>(&message)) {
    if (!c.room.empty()) return refuse(c, ErrorCode::kAlreadyJoined, "join: this connection already joined", rid);
    return onJoin(c, *join, rid);
  }
  auto it = rooms_.find(c.room);
  if (c.room.empty() || it == rooms_.end() || !it->second->room().participants().count(c.name))
    return refuse(c, ErrorCode::kNotJoined, "join a room first", rid);
  dispatch(c, *it->second, message, rid);
}

void RoomSignaling::dispatch(Connection& c, RoomSession& s, room::ClientMessage& message, const std::string& rid) {
  const std::string& name = c.name;
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, room::Publish>) s.publish(name, m, rid);
        else if constexpr (std::is_same_v<T, room::Unpublish>) s.unpublish(name, m.connection);
        else if constexpr (std::is_same_v<T, room::Answer>) s.answer(name, m, rid);
        else if constexpr (std::is_same_v<T, room::Mute>) s.mute(name, m, rid);
        else if constexpr (std::is_same_v<T, room::Subscription>) s.subscription(name, m, rid);
        else if constexpr (std::is_same_v<T, room::Update>) s.update(name, m);
        else if constexpr (std::is_same_v<T, room::RestartIce>) s.restartIce(name);
        else if constexpr (std::is_same_v<T, room::Leave>) {
          c.left = true;
          s.leave(name, "left");
        }
      },
      message);
}

void RoomSignaling::onJoin(Connection& c, const room::Join& j, const std::string& rid) {
  const auto access = config_.access.room(j.room, j.name, j.token);
  if (!access.allowed()) {
    spdlog::info("room {}: join of {} refused: {}", j.room, j.name, access.reason);
    return refuse(c, ErrorCode::kUnauthorized, access.reason, rid);
  }
  auto it = rooms_.find(j.room);
  if (it == rooms_.end()) {
    if (rooms_.size() >= config_.maxRooms) return refuse(c, ErrorCode::kTooManyRooms, "too many rooms on this node", rid);
    // A room lives on one worker: its streams and every subscriber of them, no relays.
    const unsigned worker = directory_.workerFor(j.room + "/");
    it = rooms_.emplace(j.room, std::make_unique<RoomSession>(j.room, worker, context_)).first;
    spdlog::info("room {}: opened on worker {}", j.room, worker);
  }
  RoomSession& session = *it->second;
  const RoomPermissions permissions{access.grants.has(crypto::jwt::Grant::kPublish),
                                    access.grants.has(crypto::jwt::Grant::kSubscribe),
                                    access.grants.has(crypto::jwt::Grant::kPublishData)};
  if (session.join(c.channel, j, rid, permissions)) {
    c.room = j.room;
    c.name = j.name;
  }
  if (session.empty()) rooms_.erase(it);
}

void RoomSignaling::onClosed(Connection& c) {
  if (!c.room.empty() && !c.left) {
    if (auto it = rooms_.find(c.room); it != rooms_.end()) it->second->disconnected(c.name, c.channel.get());
  }
  // Destroyed after this call returns: the connection is still inside its own callback.
  auto owned = std::move(connections_.at(&c));
  connections_.erase(&c);
  loop_.post([gone = std::shared_ptr<Connection>(std::move(owned))] {});
}

void RoomSignaling::setCluster(cluster::RoomDirectory* rooms, edge::RelayManager* relays) {
  if (context_.relays && context_.relays != relays) context_.relays->setPulledListener(nullptr);
  context_.roomDirectory = rooms;
  context_.relays = relays;
  if (!relays) return;
  // A relayed stream named {room}/{participant}[.screen] may be a remote participant's track.
  relays->setPulledListener([this](const std::string& stream) {
    const auto slash = stream.find('/');
    if (slash == std::string::npos) return;
    if (auto it = rooms_.find(std::string_view(stream).substr(0, slash)); it != rooms_.end())
      it->second->onStreamRelayed(stream);
  });
}

void RoomSignaling::tick() {
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    it->second->onTick();
    if (it->second->empty()) {
      spdlog::info("room {}: closed (empty)", it->first);
      it = rooms_.erase(it);
    } else {
      ++it;
    }
  }
}

json RoomSignaling::listRooms() const {
  json out = json::array();
  for (const auto& [name, s] : rooms_)
    out.push_back({{"name", name}, {"worker", s->worker()}, {"participants", s->room().size()}});
  return out;
}

std::optional<json> RoomSignaling::describeRoom(const std::string& room) const {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  return it->second->describe();
}

bool RoomSignaling::kick(const std::string& room, const std::string& name) {
  auto it = rooms_.find(room);
  // A participant of another node is kicked there (each node holds its own connections).
  if (it == rooms_.end() || !it->second->room().participants().count(name) || it->second->isRemote(name)) return false;
  it->second->leave(name, "kicked");
  return true;
}

bool RoomSignaling::endRoom(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return false;
  it->second->end("room ended");
  rooms_.erase(it);
  return true;
}

void RoomSignaling::onSessionEnded(const std::string& sessionId) {
  for (auto& [name, session] : rooms_)
    if (session->onSessionEnded(sessionId)) return;
}

void RoomSignaling::endAll(std::string_view reason) {
  for (auto& [name, session] : rooms_) session->end(reason);
  rooms_.clear();
}

RoomCounters RoomSignaling::counters() const {
  RoomCounters c;
  c.rooms = rooms_.size();
  for (const auto& [name, s] : rooms_) c.participants += s->localCount();  // this node's, not the other nodes'
  c.connections = connections_.size();
  c.messages = messages_;
  c.errors = errors_;
  return c;
}

}  // namespace rtcgate::api
