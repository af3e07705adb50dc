#pragma once
// RoomClient: one synthetic room participant's signaling — a WebSocket to /rooms/ws that
// joins, publishes (a simulcast camera and a microphone, from a client-offered connection)
// when the participant is a publisher, answers every subscriber offer of the server, and
// asks for the low layer of every camera but the active speaker's, as a browser client
// with a grid of small tiles and one large speaker does. Runs on the signaling thread; the
// media peers it creates run on the load workers.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "crypto/dtls/certificate.h"
#include "latency_index.h"
#include "load_worker.h"
#include "media_schedule.h"

namespace rtcgate::load {

class Publisher;
class RoomSubscriber;

// What every client of one run shares; read-only once the clients start.
struct RoomRunEnv {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string path = "/rooms/ws";
  std::string room, token, localIp, iceIp;
  VideoCodec codec = VideoCodec::kVp8;
  std::vector<const MediaSchedule*> layers;  // highest first; the first one's audio is sent
  std::vector<uint32_t> latencyBase;         // per layer: its first packet in the LatencyIndex
  std::shared_ptr<const crypto::dtls::Certificate> certificate;
  std::map<std::string, std::unique_ptr<LatencyIndex>> latency;  // per publishing participant
};

// Parses "ws://host:port/path" into env; false when it is not that shape.
bool parseRoomUrl(const std::string& url, RoomRunEnv& env);

class RoomClient : public std::enable_shared_from_this<RoomClient> {
 public:
  RoomClient(boost::asio::io_context& io, RoomRunEnv& env, std::string name, bool publishes, uint8_t audioLevel,
             LoadWorker& worker);
  // On the signaling thread.
  void start();
  void leave();

  const std::string& name() const noexcept { return name_; }
  bool publishes() const noexcept { return publishes_; }
  // Read from any thread.
  bool joined() const noexcept { return joined_.load(std::memory_order_acquire); }
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  int videoTracksOffered() const noexcept { return videoTracks_.load(std::memory_order_acquire); }
  uint64_t errors() const noexcept { return errors_.load(std::memory_order_relaxed); }
  uint64_t offers() const noexcept { return offers_.load(std::memory_order_relaxed); }
  Publisher* publisher() const noexcept { return publisher_.load(std::memory_order_acquire); }
  RoomSubscriber* subscriber() const noexcept { return subscriber_.load(std::memory_order_acquire); }
  LoadWorker& worker() noexcept { return worker_; }
  std::string lastError() const;

 private:
  void fail(const std::string& what);
  void send(const nlohmann::json& message);
  void writeNext();
  void readNext();
  void onMessage(const nlohmann::json& m);
  void publish();
  void onPublishAnswer(const std::string& sdp);
  void onOffer(const nlohmann::json& m);
  void onSpeakers(const nlohmann::json& m);
  void applyLayers();

  RoomRunEnv& env_;
  std::string name_;
  bool publishes_;
  uint8_t audioLevel_;
  LoadWorker& worker_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false, leaving_ = false;

  // Publisher connection.
  std::string pubUfrag_, pubPwd_;
  uint32_t audioSsrc_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> layerSsrcs_;  // media, RTX per layer

  // Subscriber connection.
  std::string subUfrag_, subPwd_;
  std::map<std::string, std::string> cameraOf_;  // track id -> participant, cameras on offer now
  std::map<std::string, std::string> layerAsked_;  // track id -> layer last asked for
  std::string speaker_;

  std::atomic<bool> joined_{false}, closed_{false};
  std::atomic<int> videoTracks_{0};
  std::atomic<uint64_t> errors_{0}, offers_{0};
  std::atomic<Publisher*> publisher_{nullptr};
  std::atomic<RoomSubscriber*> subscriber_{nullptr};
  mutable std::mutex errorMutex_;
  std::string lastError_;
};

}  // namespace rtcgate::load
