#pragma once
// Association: one SCTP association over DTLS (RFC 8261), sans-IO — packets and time come
// in through calls, packets go out through AssociationListener. It is the passive side:
// it answers the peer's INIT (WebRTC peers both send one; answering is enough, RFC 8841
// §4) and keeps no state before a valid COOKIE ECHO but one cookie. It carries what
// WebRTC data channels use: DATA with fragmentation, SACK, partial reliability (FORWARD
// TSN) and stream reset (RE-CONFIG), HEARTBEAT answers, ABORT and SHUTDOWN.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "transport/sctp/receive_buffer.h"
#include "transport/sctp/sender.h"
#include "wire/sctp/init_chunk.h"
#include "wire/sctp/packet.h"
#include "wire/sctp/reconfig_chunk.h"

namespace rtcgate::transport::sctp {

struct AssociationConfig {
  uint16_t localPort = 5000;
  uint16_t remotePort = 5000;
  size_t maxMessageSize = 256 * 1024;  // what we accept (a=max-message-size)
  size_t receiveWindow = 1 << 20;
  uint16_t maxStreams = 65535;
  SenderConfig sender;
};

class AssociationListener {
 public:
  virtual ~AssociationListener() = default;
  virtual void onSctpSend(std::span<const uint8_t> packet) = 0;
  virtual void onSctpEstablished() = 0;
  virtual void onSctpMessage(uint16_t stream, uint32_t ppid, std::vector<uint8_t>&& payload) = 0;
  // The peer reset these incoming streams (a data channel it closed); `streams` is never empty.
  virtual void onSctpStreamsReset(std::span<const uint16_t> streams) = 0;
  virtual void onSctpClosed(std::string_view reason) = 0;
};

struct AssociationStats {
  uint64_t packetsIn = 0, packetsOut = 0;
  uint64_t messagesIn = 0, messagesOut = 0;
  uint64_t bytesIn = 0, bytesOut = 0;
  uint64_t dropped = 0;  // malformed packets, wrong tags, DATA past our window
};

class Association {
 public:
  enum class State : uint8_t { kListening, kEstablished, kClosed };

  Association(const AssociationConfig& config, AssociationListener& listener);

  void onPacket(std::span<const uint8_t> packet, int64_t nowUs);
  // Sends INIT and becomes the active side (repeated until an INIT ACK comes).
  void connect(int64_t nowUs);
  // Queues a message; fails when not established or the send buffer is full.
  Status send(uint16_t stream, uint32_t ppid, MessageBytes bytes, const SendOptions& options, int64_t nowUs);
  // Resets our outgoing stream (closing a data channel) once what is queued on it went
  // out, or at once dropping that (`discard`: a channel closed for overflowing).
  void resetStream(uint16_t stream, int64_t nowUs, bool discard = false);
  std::optional<int64_t> nextTimeoutUs() const noexcept;
  void onTimer(int64_t nowUs);
  // Sends ABORT (when established) and closes.
  void abort(std::string_view reason);

  State state() const noexcept { return state_; }
  const std::string& reason() const noexcept { return reason_; }
  size_t bufferedBytes(uint16_t stream) const noexcept { return sender_ ? sender_->bufferedBytes(stream) : 0; }
  const AssociationStats& stats() const noexcept { return stats_; }
  const Sender* sender() const noexcept { return sender_.get(); }

 private:
  void handleChunk(const wire::sctp::ChunkView& chunk, uint32_t tag, int64_t nowUs, bool& stop);
  void onInit(const wire::sctp::ChunkView& chunk);
  void onInitAck(const wire::sctp::ChunkView& chunk, int64_t nowUs);
  void sendInit();
  void establish(const wire::sctp::InitChunk& peer);
  wire::sctp::InitChunk ourInit() const;
  void onCookieEcho(const wire::sctp::ChunkView& chunk);
  void onData(const wire::sctp::ChunkView& chunk);
  void onReconfig(const wire::sctp::ChunkView& chunk, int64_t nowUs);
  void onOutgoingReset(const wire::sctp::ReconfigParam& request, wire::sctp::ReconfigChunk& answer);
  void onReconfigResponse(const wire::sctp::ReconfigParam& response, int64_t nowUs);
  void sendReconfigRequest(int64_t nowUs);
  // Sends one packet of control chunks written by `write`.
  template <typename F>
  void sendControl(uint32_t tag, F&& write);
  void flush(int64_t nowUs);
  void close(std::string_view reason);

  AssociationConfig config_;
  AssociationListener& listener_;
  State state_ = State::kListening;
  std::string reason_;
  uint32_t localTag_;
  uint32_t peerTag_ = 0;
  uint32_t localInitialTsn_;
  std::array<uint8_t, 16> cookie_{};
  std::optional<wire::sctp::InitChunk> peerInit_;  // from the INIT we answered
  // Active side: INIT sent, then COOKIE ECHO (with the peer's cookie), until answered.
  bool connecting_ = false;
  std::vector<uint8_t> peerCookie_;
  std::optional<int64_t> connectRetryUs_;
  std::unique_ptr<ReceiveBuffer> receive_;
  std::unique_ptr<Sender> sender_;
  bool sackDue_ = false;
  int dataPacketsUnacked_ = 0;
  std::optional<int64_t> sackDeadlineUs_;
  // Stream resets: ours queued and in flight, and the peer's next request number.
  std::vector<uint16_t> resetQueue_;
  std::optional<wire::sctp::ReconfigParam> resetInFlight_;
  std::optional<int64_t> resetRetryUs_;
  uint32_t nextReconfigSeq_;
  uint32_t peerNextReconfigSeq_ = 0;
  wire::sctp::ReconfigResult lastPeerResetResult_ = wire::sctp::ReconfigResult::kPerformed;
  AssociationStats stats_;
  std::array<uint8_t, 1500> buffer_{};
};

}  // namespace rtcgate::transport::sctp
