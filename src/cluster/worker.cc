#include "cluster/worker.h"

#include <spdlog/spdlog.h>

#include <future>
#include <stdexcept>

namespace rtcgate::cluster {

namespace {
constexpr int64_t kTickUs = 5'000;  // transport timers, RTCP scheduling, NACK pacing
}

Worker::Worker(unsigned index, std::shared_ptr<const crypto::dtls::Certificate> certificate, WorkerObserver& observer)
    : index_(index),
      observer_(observer),
      loop_("rtc-worker-" + std::to_string(index)),
      pool_(4096),
      socket_(loop_, pool_, *this),
      tickTimer_(loop_) {
  auto ctx = crypto::dtls::DtlsContext::create(std::move(certificate), {});
  if (!ctx.ok()) throw std::runtime_error(std::string("DTLS context: ") + ctx.error().message);
  dtls_ = std::move(*ctx);
  router_ = std::make_unique<sfu::Router>(*this, index_);
}

Worker::~Worker() { stop(); }

Status Worker::start(const SocketAddress& udpAddress) {
  // The sockets are opened before the thread starts, so no other thread touches them after.
  RTCGATE_TRY(bind(udpAddress));
  loop_.post([this] { tick(); });
  loop_.start();
  return {};
}

Status Worker::bind(const SocketAddress& udpAddress) {
  if (!iceTcpLimits_) {
    RTCGATE_TRY(socket_.open(udpAddress));
    udpAddress_ = socket_.localAddress();
    return {};
  }
  // ICE-TCP listens at the UDP port's number. A fixed port must be free on both; a free
  // port (0) is picked for UDP and tried on TCP, a few times if TCP has it taken.
  const int attempts = udpAddress.port() == 0 ? 20 : 1;
  Status last = Error{Error::Code::kInternal, "no port free for both UDP and TCP"};
  for (int i = 0; i < attempts; ++i) {
    RTCGATE_TRY(socket_.open(udpAddress));
    auto tcp = std::make_unique<IceTcpServer>(loop_, clock_, pool_, demux_, *iceTcpLimits_);
    last = tcp->listen(socket_.localAddress());
    if (last.ok()) {
      udpAddress_ = socket_.localAddress();
      tcpAddress_ = tcp->localAddress();
      iceTcp_ = std::move(tcp);
      return {};
    }
    socket_.close();
  }
  return last;
}

DropCounters Worker::demuxDrops() const noexcept {
  DropCounters d = demux_.drops();
  if (iceTcp_) d.merge(iceTcp_->drops());
  return d;
}

void Worker::stop() {
  if (!router_) return;
  teardown();
  loop_.stop();
  router_.reset();
}

void Worker::teardown() {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  loop_.post([this, done] {
    tickTimer_.cancel();
    router_.reset();  // closes every session (DTLS close_notify) while the sockets are open
    if (iceTcp_) iceTcp_->close();
    socket_.close();
    done->set_value();
  });
  // Bounded: a wedged worker must not hang the process on its way out.
  (void)finished.wait_for(std::chrono::seconds(2));
}

void Worker::tick() {
  const int64_t now = clock_.nowUs();
  lastTickUs_.store(now, std::memory_order_relaxed);
  if (router_) router_->onTick(now);
  tickTimer_.startUs(kTickUs, [this] { tick(); });
}

void Worker::onDatagram(PacketRef packet, const SocketAddress& from) {
  packet->receivedUs = clock_.nowUs();
  demux_.route(std::move(packet), from);
}

void Worker::sendDatagram(PacketRef datagram, const SocketAddress& to) {
  if (!to.isTcp()) {
    socket_.send(std::move(datagram), to);
  } else if (iceTcp_) {
    iceTcp_->send(std::move(datagram), to);
  }
}

void Worker::onPeerEnded(sfu::Peer& peer, std::string_view reason) {
  spdlog::info("worker {}: session {} ({}) ended: {}", index_, peer.id(), peer.streamName(), reason);
  const std::string id = peer.id();
  if (router_) router_->onPeerEnded(peer);
  observer_.onSessionEnded(index_, id, std::string(reason));
}

void Worker::onPeerConnected(sfu::Peer& peer) { observer_.onSessionConnected(index_, peer.id()); }

void Worker::onFrameSourceEnded(const std::string& id, std::string_view reason) {
  spdlog::info("worker {}: frame source {} ended: {}", index_, id, reason);
  observer_.onFrameSourceEnded(index_, id, std::string(reason));
}

void Worker::onRelayEnded(const std::string& id, std::string_view reason) {
  spdlog::info("worker {}: relay {} ended: {}", index_, id, reason);
  observer_.onSessionEnded(index_, id, std::string(reason));
}

void Worker::onRelayLinkEnded(const std::string& id, std::string_view reason) {
  spdlog::info("worker {}: relay link {} ended: {}", index_, id, reason);
  observer_.onRelayLinkEnded(index_, id, std::string(reason));
}

}  // namespace rtcgate::cluster
