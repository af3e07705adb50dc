#pragma once
// WebRtcTransport: one WebRTC peer's transport on a worker — ICE (lite server or
// controlling client), DTLS 1.2 and SRTP tied together, sans-IO: datagrams and time come in
// through calls, datagrams and media go out through WebRtcTransportListener.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/drop_counters.h"
#include "base/packet_buffer.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "crypto/dtls/dtls_context.h"
#include "crypto/dtls/dtls_engine.h"
#include "crypto/srtp/srtp_session.h"
#include "transport/ice/ice_client_agent.h"
#include "transport/ice/ice_lite_agent.h"
#include "transport/webrtc/peer_demux.h"
#include "transport/media_transport.h"
#include "transport/sctp/data_channels.h"
#include "transport/webrtc/transport_state.h"

namespace rtcgate::transport::webrtc {

// A WebRTC transport reports like every media transport.
using WebRtcTransportListener = MediaTransportListener;
using WebRtcTransportStats = MediaTransportStats;

// How this side of the peer connection behaves.
struct WebRtcTransportOptions {
  enum class IceMode : uint8_t { kLite, kClient };
  IceMode iceMode = IceMode::kLite;
  ice::IceCredentials localIce;
  ice::IceCredentials remoteIce;
  SocketAddress remoteCandidate;  // client mode: where to send checks
  crypto::dtls::DtlsRole dtlsRole = crypto::dtls::DtlsRole::kServer;
  std::string remoteFingerprintAlgorithm = "sha-256";
  std::string remoteFingerprint;
  int64_t consentTimeoutUs = 30'000'000;  // RFC 7675
  int64_t consentIntervalUs = 5'000'000;  // client mode: how often consent is checked
  // A peer that has not completed ICE + DTLS by then is given up.
  int64_t connectTimeoutUs = 30'000'000;
  // SSRCs each SRTP direction keeps state for (ours sent, theirs received).
  size_t maxSsrcs = crypto::srtp::SrtpSession::kDefaultMaxSsrcs;
  // SCTP data channels over the DTLS (when the SDP negotiated them); the channel id parity
  // follows dtlsRole.
  std::optional<sctp::DataChannelsConfig> dataChannels;
};

class WebRtcTransport final : public MediaTransport,
                              ice::IceListener,
                              crypto::dtls::DtlsListener,
                              sctp::DataChannelsListener {
 public:
  WebRtcTransport(Clock& clock, PacketPool& pool, crypto::dtls::DtlsContext& dtls, WebRtcTransportOptions options,
                  WebRtcTransportListener& listener);
  ~WebRtcTransport() override;

  // Client mode: sends the first checks. Lite mode: arms the consent timer.
  Status start() override;
  void onDatagram(PacketRef packet, const SocketAddress& from) override;
  std::optional<int64_t> nextTimeoutUs() const noexcept override;
  void onTimer() override;

  // Protects `packet` in place (the caller must own it alone) and sends it on the selected
  // path. Fails (and counts) when not connected.
  Status sendRtp(PacketRef packet) noexcept override;
  Status sendRtcp(PacketRef packet) noexcept override;
  // Copies into a pooled buffer first (control paths and tests).
  Status sendRtpCopy(std::span<const uint8_t> bytes) noexcept;
  Status sendRtcpCopy(std::span<const uint8_t> bytes) noexcept;

  // ICE restart: new credentials on both sides; media keeps flowing on the current path.
  bool restartIce(const ice::IceCredentials& local, const ice::IceCredentials& remote) override;
  // True once checks under the credentials of the last restart succeeded (or if none).
  bool iceRestartComplete() const noexcept;
  std::string_view answeringUfrag() const noexcept override {
    return lite_ ? std::string_view(lite_->localCredentials().ufrag) : std::string_view(options_.localIce.ufrag);
  }
  // Client mode: our local address changed (new socket, network switch); re-check from it.
  void onLocalAddressChanged();
  // Sends DTLS close_notify (when connected) and ends the transport.
  void close(std::string_view reason) override;
  void forgetReceiveSsrc(uint32_t ssrc) noexcept override {
    if (srtpIn_) srtpIn_->forgetReceiveSsrc(ssrc);
  }
  void forgetSendSsrc(uint32_t ssrc) noexcept override {
    if (srtpOut_) srtpOut_->forgetSendSsrc(ssrc);
  }
  sctp::DataChannels* dataChannels() noexcept override { return data_.get(); }

  TransportState state() const noexcept override { return state_; }
  const std::string& reason() const noexcept override { return reason_; }
  const ice::IceCredentials& localIce() const noexcept { return options_.localIce; }
  const SocketAddress& selectedPath() const noexcept { return selected_; }
  std::optional<crypto::SrtpProfile> srtpProfile() const noexcept;
  const MediaTransportStats& stats() const noexcept override { return stats_; }
  const DropCounters& drops() const noexcept override { return drops_; }

 private:
  // ice::IceListener
  void onIceSend(std::span<const uint8_t> bytes, const SocketAddress& to) override;
  void onIceSelected(const SocketAddress& remote) override;
  void onIceStateChanged(ice::IceState state, std::string_view reason) override;
  // crypto::dtls::DtlsListener
  void onDtlsSend(std::span<const uint8_t> datagram) override;
  void onDtlsConnected(const crypto::dtls::DtlsKeys& keys) override;
  void onDtlsFailed(std::string_view reason) override;
  void onDtlsClosed() override;
  void onDtlsApplicationData(std::span<const uint8_t> data) override;
  // sctp::DataChannelsListener
  void onDataChannelsSend(std::span<const uint8_t> packet) override;
  void onDataChannelsReady() override { listener_.onTransportDataReady(*this); }
  void onDataChannelOpen(const sctp::DataChannelInfo& c) override { listener_.onTransportDataChannelOpen(*this, c); }
  void onDataChannelMessage(const sctp::DataChannelInfo& c, bool binary, std::vector<uint8_t>&& data) override {
    listener_.onTransportDataMessage(*this, c, binary, std::move(data));
  }
  void onDataChannelClosed(const sctp::DataChannelInfo& c, std::string_view reason) override {
    listener_.onTransportDataChannelClosed(*this, c, reason);
  }
  void onDataChannelsEnded(std::string_view reason) override;

  void onSrtp(PacketRef packet) noexcept;
  void handleStun(std::span<const uint8_t> bytes, const SocketAddress& from) noexcept;
  int64_t iceTimeoutUs() const noexcept;
  Status protectAndSend(PacketRef packet, bool rtcp) noexcept;
  void setState(TransportState state, std::string_view reason);

  Clock& clock_;
  PacketPool& pool_;
  WebRtcTransportOptions options_;
  WebRtcTransportListener& listener_;
  // Exactly one of the two agents exists, by options_.iceMode.
  std::unique_ptr<ice::IceLiteAgent> lite_;
  std::unique_ptr<ice::IceClientAgent> client_;
  crypto::dtls::DtlsEngine dtls_;
  std::optional<crypto::srtp::SrtpSession> srtpIn_;
  std::optional<crypto::srtp::SrtpSession> srtpOut_;
  std::unique_ptr<sctp::DataChannels> data_;
  SocketAddress selected_;
  int64_t connectDeadlineUs_ = 0;
  TransportState state_ = TransportState::kNew;
  std::string reason_;
  WebRtcTransportStats stats_;
  DropCounters drops_;
};

}  // namespace rtcgate::transport::webrtc
