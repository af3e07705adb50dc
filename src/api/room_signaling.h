#pragma once
// RoomSignaling: the rooms of this node and their WebSocket signaling at /rooms/ws
// (docs/ROOMS.md) — accepts connections, parses and rate-limits messages, hands each to
// its room, ticks the rooms (grace periods, subscriber offers), and answers the admin API.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/room_messages.h"
#include "api/room_session.h"
#include "base/clock.h"
#include "net/event_loop.h"
#include "net/websocket.h"

namespace rtcgate::api {

// What /metrics shows of the rooms.
struct RoomCounters {
  size_t rooms = 0;
  size_t participants = 0;
  size_t connections = 0;
  uint64_t messages = 0;
  std::array<uint64_t, room::kErrorCodeCount> errors{};
};

class RoomSignaling final : public net::WebSocketHandler {
 public:
  static constexpr int64_t kTickUs = 20'000;
  // Messages a connection may send per second before it is closed (1008).
  static constexpr uint32_t kMessagesPerSecond = 50;

  RoomSignaling(net::EventLoop& loop, cluster::Directory& directory, cluster::MediaWorkers& workers,
                const ApiConfig& config, const crypto::dtls::Certificate& certificate);
  ~RoomSignaling() override;
  // Starts the rooms' clock.
  void start();

  Decision accept(const net::HttpRequest& request, std::string_view rest,
                  std::shared_ptr<net::WebSocketChannel> channel) override;

  // Admin API.
  nlohmann::json listRooms() const;
  std::optional<nlohmann::json> describeRoom(const std::string& room) const;
  bool kick(const std::string& room, const std::string& name);
  bool endRoom(const std::string& room);
  void endAll(std::string_view reason);
  // A session ended on its worker; the room it belongs to (if any) reacts.
  void onSessionEnded(const std::string& sessionId);
  RoomCounters counters() const;
  // Mixed audio for participants and room mixes (null: none).
  void setMixes(edge::MixManager* mixes) noexcept { context_.mixes = mixes; }
  // Rooms across nodes: their records in Redis, and the relays of remote participants' tracks.
  void setCluster(cluster::RoomDirectory* rooms, edge::RelayManager* relays);
  // Runs the rooms' clock once (the timer does, every kTickUs; tests call it directly).
  void tick();

 private:
  class Connection;
  void onMessage(Connection& c, std::string_view text);
  void onClosed(Connection& c);
  void onJoin(Connection& c, const room::Join& join, const std::string& rid);
  // Hands a joined participant's message to its room.
  void dispatch(Connection& c, RoomSession& session, room::ClientMessage& message, const std::string& rid);
  void refuse(Connection& c, room::ErrorCode code, std::string_view text, const std::string& rid);

  net::EventLoop& loop_;
  cluster::Directory& directory_;
  const ApiConfig& config_;
  SteadyClock clock_;
  RoomContext context_;
  net::Timer timer_;
  std::map<std::string, std::unique_ptr<RoomSession>, std::less<>> rooms_;
  std::map<Connection*, std::unique_ptr<Connection>> connections_;
  uint64_t messages_ = 0;
  std::array<uint64_t, room::kErrorCodeCount> errors_{};
};

}  // namespace rtcgate::api
