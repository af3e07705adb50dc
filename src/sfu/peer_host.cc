#include "sfu/peer_host.h"

#include "transport/webrtc/webrtc_transport.h"

namespace rtcgate::sfu {

namespace webrtc = transport::webrtc;

namespace {

webrtc::WebRtcTransportOptions transportOptions(const SessionSpec& spec) {
  webrtc::WebRtcTransportOptions o;
  o.iceMode = webrtc::WebRtcTransportOptions::IceMode::kLite;
  o.localIce = spec.localIce;
  o.remoteIce = {spec.negotiated.remoteIce.ufrag, spec.negotiated.remoteIce.pwd};
  o.dtlsRole = spec.negotiated.localDtlsRole == wire::sdp::DtlsRole::kClient ? crypto::dtls::DtlsRole::kClient
                                                                              : crypto::dtls::DtlsRole::kServer;
  o.remoteFingerprintAlgorithm = spec.negotiated.remoteFingerprint.hashFunc;
  o.remoteFingerprint = spec.negotiated.remoteFingerprint.value;
  o.maxSsrcs = spec.maxSsrcs;
  if (const auto& data = spec.negotiated.data) {
    transport::sctp::DataChannelsConfig dc;
    dc.sctp.localPort = data->localSctpPort;
    dc.sctp.remotePort = data->remoteSctpPort;
    dc.sctp.maxMessageSize = data->localMaxMessageSize;
    dc.remoteMaxMessageSize = data->remoteMaxMessageSize;
    o.dataChannels = dc;
  }
  return o;
}

}  // namespace

std::unique_ptr<transport::MediaTransport> PeerHost::makeTransport(const SessionSpec& spec,
                                                                   transport::MediaTransportListener& listener) {
  auto t = std::make_unique<webrtc::WebRtcTransport>(clock(), pool(), dtlsContext(), transportOptions(spec), listener);
  demux().addUfrag(spec.localIce.ufrag, *t);
  return t;
}

}  // namespace rtcgate::sfu
