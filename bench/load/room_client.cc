#include "room_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "base/random.h"
#include "publisher.h"
#include "room_sdp.h"
#include "room_subscriber.h"

namespace rtcgate::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

namespace {
constexpr const char* kRids[] = {"h", "m", "l"};  // highest first, as env.layers
constexpr auto kTimeout = std::chrono::seconds(10);
}  // namespace

bool parseRoomUrl(const std::string& url, RoomRunEnv& env) {
  constexpr std::string_view scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) return false;
  const std::string rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string hostPort = rest.substr(0, slash);
  env.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const size_t colon = hostPort.rfind(':');
  if (colon == std::string::npos) {
    env.host = hostPort;
    env.port = 80;
  } else {
    env.host = hostPort.substr(0, colon);
    const std::string port = hostPort.substr(colon + 1);
    auto r = std::from_chars(port.data(), port.data() + port.size(), env.port);
    if (r.ec != std::errc() || r.ptr != port.data() + port.size()) return false;
  }
  return !env.host.empty();
}

RoomClient::RoomClient(asio::io_context& io, RoomRunEnv& env, std::string name, bool publishes, uint8_t audioLevel,
                       LoadWorker& worker)
    : env_(env), name_(std::move(name)), publishes_(publishes), audioLevel_(audioLevel), worker_(worker),
      ws_(io) {}

std::string RoomClient::lastError() const {
  std::lock_guard lock(errorMutex_);
  return lastError_;
}

void RoomClient::fail(const std::string& what) {
  errors_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(errorMutex_);
  lastError_ = name_ + ": " + what;
}

void RoomClient::start() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(env_.host, ec);
  if (ec) {
    fail("the room URL needs an IP address, not " + env_.host);
    closed_ = true;
    return;
  }
  beast::get_lowest_layer(ws_).expires_after(kTimeout);
  auto self = shared_from_this();
  beast::get_lowest_layer(ws_).async_connect(asio::ip::tcp::endpoint(address, env_.port), [this, self](beast::error_code ec) {
    if (ec) {
      fail("connect: " + ec.message());
      closed_ = true;
      return;
    }
    ws_.async_handshake(env_.host + ":" + std::to_string(env_.port), env_.path, [this, self](beast::error_code ec) {
      if (ec) {
        fail("WebSocket handshake: " + ec.message());
        closed_ = true;
        return;
      }
      beast::get_lowest_layer(ws_).expires_never();
      ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      json join = {{"type", "join"}, {"room", env_.room}, {"name", name_}};
      if (!env_.token.empty()) join["token"] = env_.token;
      send(join);
      readNext();
    });
  });
}

void RoomClient::leave() {
  if (closed_ || leaving_) return;
  send(json{{"type", "leave"}});
  leaving_ = true;  // the socket closes once the outbox is written
}

void RoomClient::send(const json& message) {
  if (closed_) return;
  outbox_.push_back(message.dump());
  if (!writing_) writeNext();
}

void RoomClient::writeNext() {
  if (outbox_.empty()) {
    writing_ = false;
    if (leaving_ && !closed_) {
      closed_ = true;
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    }
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(outbox_.front()), [this, self = shared_from_this()](beast::error_code ec, size_t) {
    outbox_.pop_front();
    if (ec) {
      if (!closed_) fail("write: " + ec.message());
      closed_ = true;
      outbox_.clear();
      writing_ = false;
      return;
    }
    writeNext();
  });
}

void RoomClient::readNext() {
  ws_.async_read(buffer_, [this, self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) {
      if (!closed_ && !leaving_) {
        const auto& reason = ws_.reason();
        fail("socket closed: " + ec.message() + (reason.reason.empty() ? "" : " (" + std::string(reason.reason) + ")"));
      }
      closed_ = true;
      return;
    }
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    json m = json::parse(text, nullptr, false);
    if (m.is_object() && !leaving_) onMessage(m);
    readNext();
  });
}

void RoomClient::onMessage(const json& m) {
  const std::string type = m.value("type", "");
  if (type == "joined") {
    joined_.store(true, std::memory_order_release);
    if (publishes_) publish();
  } else if (type == "publishAnswer") {
    onPublishAnswer(m.value("sdp", ""));
  } else if (type == "offer") {
    onOffer(m);
  } else if (type == "speakers") {
    onSpeakers(m);
  } else if (type == "error") {
    fail("error " + m.value("code", "") + ": " + m.value("message", ""));
  } else if (type == "left") {
    fail("removed from the room: " + m.value("reason", ""));
  }
}

void RoomClient::publish() {
  OfferParams p;
  p.publisher = true;
  p.codec = env_.codec;
  p.iceUfrag = pubUfrag_ = randomIceString(8);
  p.icePwd = pubPwd_ = randomIceString(24);
  p.fingerprint = env_.certificate->sdpFingerprint();
  p.cname = name_;
  p.audioLevel = true;
  p.audioSsrc = audioSsrc_ = randomU32() | 1;
  for (size_t i = 0; i < env_.layers.size(); ++i) layerSsrcs_.emplace_back(randomU32() | 2, randomU32() | 4);
  if (env_.layers.size() > 1) {
    for (size_t i = 0; i < env_.layers.size(); ++i) p.rids.emplace_back(kRids[i]);
  } else {
    p.videoSsrc = layerSsrcs_[0].first;
    p.videoRtxSsrc = layerSsrcs_[0].second;
  }
  send(json{{"type", "publish"},
            {"sdp", buildOffer(p)},
            {"tracks", json::array({{{"mid", "0"}, {"source", "microphone"}}, {{"mid", "1"}, {"source", "camera"}}})}});
}

void RoomClient::onPublishAnswer(const std::string& sdp) {
  auto answer = parseAnswer(sdp);
  if (!answer.ok()) return fail(std::string("publish answer: ") + answer.error().message);
  if (!answer->candidate) return fail("publish answer has no UDP candidate");
  if (!env_.iceIp.empty()) answer->candidate = SocketAddress::parse(env_.iceIp, answer->candidate->port());
  if (!answer->candidate || publisher() != nullptr) return;
  PublisherSetup setup;
  setup.codec = env_.codec;
  setup.audio = env_.layers.front();
  setup.audioSsrc = audioSsrc_;
  for (size_t i = 0; i < env_.layers.size(); ++i)
    setup.video.push_back(PublisherLayer{env_.layers[i], layerSsrcs_[i].first, layerSsrcs_[i].second,
                                         env_.layers.size() > 1 ? kRids[i] : "", env_.latencyBase[i]});
  auto it = env_.latency.find(name_);
  setup.latency = it != env_.latency.end() ? it->second.get() : nullptr;
  setup.audioLevel = audioLevel_;
  auto peer = std::make_unique<Publisher>(worker_.env(), std::move(setup), *answer);
  publisher_.store(worker_.launch(std::move(peer), env_.localIp, transportOptions(pubUfrag_, pubPwd_, *answer)),
                   std::memory_order_release);
}

void RoomClient::onOffer(const json& m) {
  offers_.fetch_add(1, std::memory_order_relaxed);
  const auto negotiation = m.value("negotiation", int64_t{-1});
  auto offer = parseServerOffer(m.value("sdp", ""), env_.codec);
  if (!offer.ok()) return fail(std::string("subscriber offer: ") + offer.error().message);
  if (!env_.iceIp.empty()) offer->transport.candidate = SocketAddress::parse(env_.iceIp, offer->transport.candidate->port());
  if (!offer->transport.candidate) return fail("bad --ice-ip");
  std::map<std::string, std::pair<std::string, std::string>> byMid;  // mid -> participant, track id
  cameraOf_.clear();
  if (m.contains("tracks") && m["tracks"].is_array()) {
    for (const auto& t : m["tracks"]) {
      if (!t.is_object()) continue;
      const std::string participant = t.value("participant", ""), track = t.value("track", "");
      byMid[t.value("mid", "")] = {participant, track};
      if (t.value("source", "") == "camera") cameraOf_[track] = participant;
    }
  }
  RoomSubscriber* sub = subscriber();
  if (sub == nullptr) {
    subUfrag_ = randomIceString(8);
    subPwd_ = randomIceString(24);
    auto peer = std::make_unique<RoomSubscriber>(worker_.env(), env_.codec, worker_.latencySamples(), worker_.packetCounter());
    sub = worker_.launch(std::move(peer), env_.localIp, transportOptions(subUfrag_, subPwd_, offer->transport));
    subscriber_.store(sub, std::memory_order_release);
  }
  std::vector<RoomTrack> tracks;
  int videos = 0;
  for (const auto& s : offer->sections) {
    if (s.rejected || !s.sending) continue;
    RoomTrack t;
    t.ssrc = s.ssrc;
    t.rtxSsrc = s.rtxSsrc;
    t.video = s.kind == "video";
    t.pt = s.pt;
    t.rtxPt = s.rtxPt ? *s.rtxPt : -1;
    if (auto owner = byMid.find(s.mid); owner != byMid.end()) {
      if (auto l = env_.latency.find(owner->second.first); l != env_.latency.end()) t.latency = l->second.get();
    }
    videos += t.video;
    tracks.push_back(t);
  }
  worker_.loop().post([sub, tracks = std::move(tracks)] { sub->setTracks(tracks); });
  AnswerIdentity us{subUfrag_, subPwd_, env_.certificate->sdpFingerprint(), 1};
  send(json{{"type", "answer"}, {"negotiation", negotiation}, {"sdp", buildRoomAnswer(*offer, us)}});
  videoTracks_.store(videos, std::memory_order_release);
  applyLayers();
}

void RoomClient::onSpeakers(const json& m) {
  if (!m.contains("speakers") || !m["speakers"].is_array() || m["speakers"].empty()) return;  // keep the last one
  const auto& first = m["speakers"][0];
  if (!first.is_object()) return;
  const std::string speaker = first.value("participant", "");
  if (speaker == speaker_) return;
  speaker_ = speaker;
  applyLayers();
}

// The active speaker's camera at the top layer, every other camera at the lowest.
void RoomClient::applyLayers() {
  if (env_.layers.size() < 2) return;
  for (const auto& [track, participant] : cameraOf_) {
    const std::string want = participant == speaker_ ? "h" : "l";
    auto& asked = layerAsked_[track];
    if (asked == want) continue;
    asked = want;
    send(json{{"type", "subscription"}, {"track", track}, {"layer", want}});
  }
  for (auto it = layerAsked_.begin(); it != layerAsked_.end();)
    it = cameraOf_.count(it->first) ? std::next(it) : layerAsked_.erase(it);
}

}  // namespace rtcgate::load
