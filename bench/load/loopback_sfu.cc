#include "loopback_sfu.h"

#include <future>

#include "base/random.h"
#include "wire/rtcp/compound.h"
#include "wire/sdp/answer_builder.h"

namespace rtcgate::load {

using transport::webrtc::TransportState;
using transport::webrtc::WebRtcTransport;
using transport::webrtc::WebRtcTransportOptions;

LoopbackSfu::LoopbackSfu(Clock& clock) : clock_(clock) {}

LoopbackSfu::~LoopbackSfu() { stop(); }

Status LoopbackSfu::start(const std::string& ip) {
  auto cert = crypto::dtls::Certificate::generate();
  if (!cert.ok()) return cert.error();
  cert_ = std::shared_ptr<const crypto::dtls::Certificate>(std::move(*cert));
  auto ctx = crypto::dtls::DtlsContext::create(cert_);
  if (!ctx.ok()) return ctx.error();
  dtls_ = std::move(*ctx);
  socket_ = std::make_unique<net::UdpSocket>(loop_, pool_, *this);
  auto local = SocketAddress::parse(ip, 0);
  if (!local) return Error::malformed("bad local IP");
  RTCGATE_TRY(socket_->open(*local));
  ip_ = ip;
  port_ = socket_->localAddress().port();
  running_ = true;
  loop_.post([this] { tick(); });
  loop_.start();
  return {};
}

void LoopbackSfu::stop() {
  if (!running_.exchange(false)) return;
  std::promise<void> done;
  loop_.post([this, &done] {
    timer_.cancel();
    done.set_value();
  });
  done.get_future().wait();
  loop_.stop();
}

std::optional<Signaled> LoopbackSfu::post(bool publisher, const std::string&, const std::string& offer, std::string& error) {
  wire::sdp::AnswerOptions ao;
  ao.iceUfrag = randomIceString(8);
  ao.icePwd = randomIceString(24);
  ao.fingerprint = cert_->sdpFingerprint();
  ao.candidates.push_back({ip_, port_, "udp"});
  if (!publisher) {
    ao.sendTracks.push_back({"", "audio", {randomU32(), 0, "sfu", "sfu", "audio"}});
    ao.sendTracks.push_back({"", "video", {randomU32(), randomU32(), "sfu", "sfu", "video"}});
  }
  wire::sdp::AnswerBuilder builder(ao);
  auto answer = builder.build(offer);
  if (!answer.ok()) {
    error = "loopback: " + answer.error().toString();
    return std::nullopt;
  }
  auto parsed = parseAnswer(answer->sdp);
  if (!parsed.ok()) {
    error = std::string("loopback: ") + parsed.error().message;
    return std::nullopt;
  }
  WebRtcTransportOptions to;
  to.iceMode = WebRtcTransportOptions::IceMode::kLite;
  to.localIce = {ao.iceUfrag, ao.icePwd};
  to.remoteIce = {answer->session.remoteIce.ufrag, answer->session.remoteIce.pwd};
  to.dtlsRole = answer->session.localDtlsRole == wire::sdp::DtlsRole::kClient ? crypto::dtls::DtlsRole::kClient
                                                                              : crypto::dtls::DtlsRole::kServer;
  to.remoteFingerprintAlgorithm = answer->session.remoteFingerprint.hashFunc;
  to.remoteFingerprint = answer->session.remoteFingerprint.value;
  // Created on the loop before this returns, so the client's first check finds its ufrag.
  std::promise<void> created;
  loop_.post([this, publisher, to, &created] {
    auto peer = std::make_unique<Peer>(*this, publisher);
    peer->transport = std::make_unique<WebRtcTransport>(clock_, pool_, *dtls_, to, *peer);
    demux_.addUfrag(to.localIce.ufrag, *peer->transport);
    (void)peer->transport->start();
    if (publisher) publisher_ = peer.get();
    peers_.push_back(std::move(peer));
    created.set_value();
  });
  created.get_future().wait();
  return Signaled{std::move(*parsed), "loopback://" + std::to_string(++sessions_)};
}

void LoopbackSfu::onDatagram(PacketRef packet, const SocketAddress& from) { demux_.route(std::move(packet), from); }

void LoopbackSfu::tick() {
  if (!running_) return;
  const int64_t now = clock_.nowUs();
  for (auto& p : peers_) {
    const auto due = p->transport->nextTimeoutUs();
    if (due && *due <= now) p->transport->onTimer();
  }
  timer_.startUs(2'000, [this] { tick(); });
}

void LoopbackSfu::Peer::onTransportSend(transport::MediaTransport&, PacketRef d, const SocketAddress& to) {
  sfu.socket_->send(std::move(d), to);
}

void LoopbackSfu::Peer::onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) {
  sfu.demux_.bindAddress(remote, t);
}

void LoopbackSfu::Peer::onTransportRtp(transport::MediaTransport&, PacketRef p) {
  if (!publisher) return;
  for (auto& peer : sfu.peers_)
    if (!peer->publisher && peer->transport->state() == TransportState::kConnected) {
      if (sfu.dropRate_ > 0 && randomU32() < sfu.dropRate_ * 4294967296.0) {
        ++sfu.dropped_;
        continue;
      }
      (void)peer->transport->sendRtpCopy(p->span());
    }
}

void LoopbackSfu::Peer::onTransportRtcp(transport::MediaTransport&, PacketRef p) {
  if (publisher || sfu.publisher_ == nullptr) return;
  wire::rtcp::CompoundIterator it(p->span());
  wire::rtcp::RtcpPacketRef ref;
  bool feedback = false;
  while (it.next(ref)) feedback |= ref.kind() == wire::rtcp::RtcpKind::kNack || ref.kind() == wire::rtcp::RtcpKind::kPli;
  if (feedback && sfu.publisher_->transport->state() == TransportState::kConnected)
    (void)sfu.publisher_->transport->sendRtcpCopy(p->span());
}

}  // namespace rtcgate::load
