#include "api/metrics_handler.h"

#include <fmt/format.h>

#include "api/access_response.h"
#include "api/turn_metrics.h"
#include "api/http_util.h"

namespace rtcgate::api {

namespace {

// One counter family summed over workers, with per-worker samples.
template <typename Get>
void family(std::string& out, const char* name, const char* help, const char* type,
            const std::vector<cluster::WorkerMetrics>& workers, Get get) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  for (const auto& w : workers) out += fmt::format("{}{{worker=\"{}\"}} {}\n", name, w.worker, get(w));
}

// Sessions by kind, and how many are connected.
void sessionFamilies(std::string& out, const std::vector<sfu::SessionInfo>& sessions) {
  size_t byKind[sfu::kSessionKindCount] = {}, connected = 0;
  for (const auto& s : sessions) {
    ++byKind[static_cast<size_t>(s.kind)];
    if (s.state == "connected") ++connected;
  }
  out += "# HELP rtcgate_sessions Live sessions by kind.\n# TYPE rtcgate_sessions gauge\n";
  for (size_t k = 0; k < sfu::kSessionKindCount; ++k)
    out += fmt::format("rtcgate_sessions{{kind=\"{}\"}} {}\n", sfu::sessionKindName(static_cast<sfu::SessionKind>(k)),
                       byKind[k]);
  out += fmt::format("# HELP rtcgate_sessions_connected Sessions with ICE and DTLS up.\n"
                     "# TYPE rtcgate_sessions_connected gauge\nrtcgate_sessions_connected {}\n", connected);
}

// Every drop on the packet path, by reason, summed over workers.
void dropFamily(std::string& out, const std::vector<cluster::WorkerMetrics>& workers) {
  out += "# HELP rtcgate_drops_total Packets dropped, by reason.\n# TYPE rtcgate_drops_total counter\n";
  for (size_t r = 0; r < static_cast<size_t>(DropReason::kCount); ++r) {
    uint64_t total = 0;
    for (const auto& w : workers) total += w.drops.get(DropReason(r));
    out += fmt::format("rtcgate_drops_total{{reason=\"{}\"}} {}\n", dropReasonName(DropReason(r)), total);
  }
}

// ICE-TCP connections of every worker, and why they closed.
void iceTcpFamilies(std::string& out, const std::vector<cluster::WorkerMetrics>& workers) {
  family(out, "rtcgate_ice_tcp_connections", "Open ICE-TCP connections.", "gauge", workers,
         [](const auto& w) { return w.iceTcp.open; });
  family(out, "rtcgate_ice_tcp_accepted_total", "ICE-TCP connections accepted.", "counter", workers,
         [](const auto& w) { return w.iceTcp.accepted; });
  family(out, "rtcgate_ice_tcp_frames_in_total", "RFC 4571 frames received over ICE-TCP.", "counter", workers,
         [](const auto& w) { return w.iceTcp.framesIn; });
  family(out, "rtcgate_ice_tcp_frames_out_total", "RFC 4571 frames sent over ICE-TCP.", "counter", workers,
         [](const auto& w) { return w.iceTcp.framesOut; });
  out += "# HELP rtcgate_ice_tcp_closed_total ICE-TCP connections closed (or refused), by reason.\n"
         "# TYPE rtcgate_ice_tcp_closed_total counter\n";
  for (size_t r = 0; r < static_cast<size_t>(cluster::IceTcpClose::kCount); ++r) {
    uint64_t total = 0;
    for (const auto& w : workers) total += w.iceTcp.closed[r];
    out += fmt::format("rtcgate_ice_tcp_closed_total{{reason=\"{}\"}} {}\n",
                       cluster::iceTcpCloseName(static_cast<cluster::IceTcpClose>(r)), total);
  }
}

}  // namespace

std::string renderMetrics(const std::vector<cluster::WorkerMetrics>& workers, const std::vector<sfu::SessionInfo>& sessions) {
  std::string out;
  sessionFamilies(out, sessions);
  family(out, "rtcgate_packets_in_total", "UDP datagrams received.", "counter", workers,
         [](const auto& w) { return w.udp.packetsIn; });
  family(out, "rtcgate_packets_out_total", "UDP datagrams sent.", "counter", workers,
         [](const auto& w) { return w.udp.packetsOut; });
  family(out, "rtcgate_bytes_in_total", "UDP bytes received.", "counter", workers,
         [](const auto& w) { return w.udp.bytesIn; });
  family(out, "rtcgate_bytes_out_total", "UDP bytes sent.", "counter", workers,
         [](const auto& w) { return w.udp.bytesOut; });
  family(out, "rtcgate_send_errors_total", "Datagrams the kernel refused.", "counter", workers,
         [](const auto& w) { return w.udp.sendErrors; });
  family(out, "rtcgate_rtp_forwarded_total", "RTP packets forwarded to subscribers.", "counter", workers,
         [](const auto& w) { return w.sfu.rtpForwarded; });
  family(out, "rtcgate_nacks_received_total", "Packets subscribers asked to be resent.", "counter", workers,
         [](const auto& w) { return w.sfu.nacksReceived; });
  family(out, "rtcgate_rtx_sent_total", "Retransmissions sent to subscribers.", "counter", workers,
         [](const auto& w) { return w.sfu.retransmissionsSent; });
  family(out, "rtcgate_rtx_missed_total", "NACKed packets no longer in history.", "counter", workers,
         [](const auto& w) { return w.sfu.retransmissionsMissed; });
  family(out, "rtcgate_nacks_sent_total", "Packets asked again from publishers.", "counter", workers,
         [](const auto& w) { return w.sfu.nacksSent; });
  family(out, "rtcgate_plis_received_total", "Keyframe requests from subscribers.", "counter", workers,
         [](const auto& w) { return w.sfu.plisReceived; });
  family(out, "rtcgate_plis_sent_total", "Keyframe requests sent to publishers.", "counter", workers,
         [](const auto& w) { return w.sfu.plisSent; });
  family(out, "rtcgate_twcc_feedback_sent_total", "Transport-wide CC feedback packets sent.", "counter", workers,
         [](const auto& w) { return w.sfu.twccFeedbackSent; });
  family(out, "rtcgate_receiver_reports_sent_total", "RTCP receiver reports sent to publishers.", "counter",
         workers, [](const auto& w) { return w.sfu.receiverReportsSent; });
  family(out, "rtcgate_sender_reports_sent_total", "RTCP sender reports sent to subscribers.", "counter", workers,
         [](const auto& w) { return w.sfu.senderReportsSent; });
  family(out, "rtcgate_unknown_ssrc_drops_total", "Publisher packets of an SSRC no track claims.", "counter",
         workers, [](const auto& w) { return w.sfu.unknownSsrcDrops; });
  family(out, "rtcgate_twcc_feedback_received_total", "Transport-wide CC feedback packets from players.", "counter",
         workers, [](const auto& w) { return w.sfu.twccFeedbackReceived; });
  family(out, "rtcgate_layer_switches_total", "Simulcast layer switches.", "counter", workers,
         [](const auto& w) { return w.sfu.layerSwitches; });
  family(out, "rtcgate_data_messages_received_total", "Data channel messages received from peers.", "counter",
         workers, [](const auto& w) { return w.sfu.dataMessagesIn; });
  family(out, "rtcgate_data_messages_sent_total", "Data channel messages sent to players.", "counter", workers,
         [](const auto& w) { return w.sfu.dataMessagesOut; });
  family(out, "rtcgate_data_messages_dropped_total",
         "Data channel messages not sent (a player not connected yet, a full unreliable or a closed channel).",
         "counter", workers, [](const auto& w) { return w.sfu.dataMessagesDropped; });
  family(out, "rtcgate_data_channels_overflowed_total",
         "Reliable data channels closed because their receiver fell too far behind.", "counter", workers,
         [](const auto& w) { return w.sfu.dataChannelsOverflowed; });
  family(out, "rtcgate_renditions_running", "Transcodes running (one per stream and codec needed).", "gauge",
         workers, [](const auto& w) { return w.renditionsRunning; });
  family(out, "rtcgate_renditions_started_total", "Transcodes started.", "counter", workers,
         [](const auto& w) { return w.renditions.started; });
  family(out, "rtcgate_renditions_failed_total", "Transcodes that failed (codec or encoder error).", "counter",
         workers, [](const auto& w) { return w.renditions.failed; });
  family(out, "rtcgate_rendition_frames_skipped_total",
         "Source frames a transcode did not get (waiting for a keyframe, queue full).", "counter", workers,
         [](const auto& w) { return w.renditions.framesSkipped; });
  family(out, "rtcgate_frame_sinks", "RTMP players and pushes being fed.", "gauge", workers,
         [](const auto& w) { return w.frameSinks; });
  family(out, "rtcgate_worker_sessions", "Sessions per worker (load).", "gauge", workers,
         [](const auto& w) { return w.sessions; });
  family(out, "rtcgate_packet_pool_buffers", "Packet buffers allocated.", "gauge", workers,
         [](const auto& w) { return w.poolBuffers; });
  iceTcpFamilies(out, workers);
  dropFamily(out, workers);
  return out;
}

std::string renderRoomMetrics(const RoomCounters& c) {
  std::string out = fmt::format(
      "# HELP rtcgate_rooms Open rooms.\n# TYPE rtcgate_rooms gauge\nrtcgate_rooms {}\n"
      "# HELP rtcgate_room_participants Participants in rooms (those in their grace period too).\n"
      "# TYPE rtcgate_room_participants gauge\nrtcgate_room_participants {}\n"
      "# HELP rtcgate_room_signaling_connections Open room signaling WebSockets.\n"
      "# TYPE rtcgate_room_signaling_connections gauge\nrtcgate_room_signaling_connections {}\n"
      "# HELP rtcgate_room_signaling_messages_total Room signaling messages received.\n"
      "# TYPE rtcgate_room_signaling_messages_total counter\nrtcgate_room_signaling_messages_total {}\n",
      c.rooms, c.participants, c.connections, c.messages);
  out += "# HELP rtcgate_room_signaling_errors_total Refused room signaling messages, by code.\n"
         "# TYPE rtcgate_room_signaling_errors_total counter\n";
  for (size_t i = 0; i < c.errors.size(); ++i)
    out += fmt::format("rtcgate_room_signaling_errors_total{{code=\"{}\"}} {}\n",
                       room::errorCodeName(static_cast<room::ErrorCode>(i)), c.errors[i]);
  return out;
}

std::string renderHttpMetrics(const net::HttpCounters& c) {
  std::string out = fmt::format(
      "# HELP rtcgate_http_connections Open HTTP(S) connections (WebSockets apart).\n"
      "# TYPE rtcgate_http_connections gauge\nrtcgate_http_connections {}\n"
      "# HELP rtcgate_http_websockets Open WebSocket connections.\n"
      "# TYPE rtcgate_http_websockets gauge\nrtcgate_http_websockets {}\n",
      c.openConnections, c.openWebSockets);
  out += "# HELP rtcgate_http_connections_refused_total New connections closed at once, by reason.\n"
         "# TYPE rtcgate_http_connections_refused_total counter\n";
  const std::pair<const char*, uint64_t> refused[] = {{"server_full", c.refusedOverCap},
                                                      {"client_rate", c.refusedClientRate},
                                                      {"client_open", c.refusedClientOpen},
                                                      {"client_table_full", c.refusedClientTable}};
  for (const auto& [reason, n] : refused)
    out += fmt::format("rtcgate_http_connections_refused_total{{reason=\"{}\"}} {}\n", reason, n);
  out += "# HELP rtcgate_http_connections_closed_total Connections closed for a limit or bad input, by reason.\n"
         "# TYPE rtcgate_http_connections_closed_total counter\n";
  const std::pair<const char*, uint64_t> closed[] = {{"header_timeout", c.headerTimeouts},
                                                     {"body_timeout", c.bodyTimeouts},
                                                     {"tls_handshake_timeout", c.tlsHandshakeTimeouts},
                                                     {"tls_handshake_failed", c.tlsHandshakeFailures},
                                                     {"body_too_large", c.bodyTooLarge},
                                                     {"header_too_large", c.headerTooLarge},
                                                     {"malformed", c.malformed}};
  for (const auto& [reason, n] : closed)
    out += fmt::format("rtcgate_http_connections_closed_total{{reason=\"{}\"}} {}\n", reason, n);
  return out;
}

void MetricsHandler::handle(const net::HttpRequest& req, std::string_view rest, net::HttpReply reply) {
  if (!rest.empty()) return reply(errorResponse(req, http::status::not_found, "no such resource"));
  if (access_) {
    if (const auto decision = access_->admin(bearerToken(req)); !decision.allowed())
      return reply(accessRefused(req, decision));
  }
  workers_.metrics([this, head = net::requestHead(req), reply](std::vector<cluster::WorkerMetrics> metrics) {
    workers_.sessions([this, head, reply, metrics = std::move(metrics)](std::vector<sfu::SessionInfo> sessions) {
      std::string text = renderMetrics(metrics, sessions);
      if (rooms_) text += renderRoomMetrics(rooms_->counters());
      if (http_) text += renderHttpMetrics(http_->counters());
      if (turn_) text += renderTurnMetrics(*turn_);
      if (sessionLimits_)
        text += fmt::format(
            "# HELP rtcgate_client_sessions_refused_total New sessions refused (429) by the per-address limits.\n"
            "# TYPE rtcgate_client_sessions_refused_total counter\nrtcgate_client_sessions_refused_total {}\n"
            "# HELP rtcgate_client_sessions_pending Sessions created and not connected yet (per-address limits).\n"
            "# TYPE rtcgate_client_sessions_pending gauge\nrtcgate_client_sessions_pending {}\n",
            sessionLimits_->refused(), sessionLimits_->pending());
      reply(net::makeResponse(head, http::status::ok, std::move(text), "text/plain; version=0.0.4"));
    });
  });
}

}  // namespace rtcgate::api
