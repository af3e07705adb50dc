#pragma once
// DataChannels: WebRTC data channels (RFC 8831) on one SCTP association — channels opened
// by either side with DCEP (RFC 8832), messages as strings or binary (empty ones too),
// closing by stream reset, and a bound on what each channel may hold for a slow peer: a
// reliable channel that overflows is closed with a reason, an unreliable one drops and
// counts. Sans-IO like the association it owns.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "transport/sctp/association.h"
#include "wire/sctp/dcep.h"

namespace rtcgate::transport::sctp {

// Why a channel closed, for a listener that treats them differently.
enum class ChannelCloseCause : uint8_t { kOpen, kByPeer, kByUs, kOverflow };

struct DataChannelInfo {
  uint16_t id = 0;
  std::string label;
  std::string protocol;
  wire::sctp::ChannelReliability reliability;
  bool ours = false;    // opened by this side
  bool acked = true;    // ours: the peer's DATA_CHANNEL_ACK arrived
  bool closing = false;
  ChannelCloseCause closeCause = ChannelCloseCause::kOpen;  // set once closing
};

class DataChannelsListener {
 public:
  virtual ~DataChannelsListener() = default;
  virtual void onDataChannelsSend(std::span<const uint8_t> packet) = 0;
  virtual void onDataChannelsReady() {}
  virtual void onDataChannelOpen(const DataChannelInfo& channel) = 0;
  virtual void onDataChannelMessage(const DataChannelInfo& channel, bool binary, std::vector<uint8_t>&& data) = 0;
  virtual void onDataChannelClosed(const DataChannelInfo& channel, std::string_view reason) = 0;
  virtual void onDataChannelsEnded(std::string_view reason) = 0;
};

struct DataChannelsConfig {
  AssociationConfig sctp;
  bool evenIds = false;  // our channel ids: even for the DTLS client (RFC 8832 §6)
  size_t maxChannels = 64;
  size_t maxBufferedPerChannel = 1 << 20;  // bytes queued towards the peer on one channel
  uint64_t remoteMaxMessageSize = 65536;     // the peer's a=max-message-size (0: no limit)
};

struct DataChannelsStats {
  uint64_t messagesIn = 0, messagesOut = 0;
  uint64_t droppedOut = 0;   // unreliable messages dropped for a slow peer
  uint64_t overflowClosed = 0;
  uint64_t refusedChannels = 0;
};

class DataChannels final : AssociationListener {
 public:
  DataChannels(const DataChannelsConfig& config, DataChannelsListener& listener);

  void onPacket(std::span<const uint8_t> packet, int64_t nowUs) {
    nowUs_ = nowUs;
    sctp_.onPacket(packet, nowUs);
  }
  std::optional<int64_t> nextTimeoutUs() const noexcept { return sctp_.nextTimeoutUs(); }
  void onTimer(int64_t nowUs) {
    nowUs_ = nowUs;
    sctp_.onTimer(nowUs);
  }
  // The active side (tests, and a peer that waits for our INIT).
  void connect(int64_t nowUs) { sctp_.connect(nowUs); }
  bool ready() const noexcept { return sctp_.state() == Association::State::kEstablished; }

  // Opens a channel of ours; its id, or an error (not ready, too many channels).
  Result<uint16_t> open(std::string_view label, std::string_view protocol,
                        const wire::sctp::ChannelReliability& reliability, int64_t nowUs);
  // Sends one message (its bytes shared). A reliable channel past its bound is closed (an
  // error is returned); an unreliable one drops the message (counted, not an error).
  Status send(uint16_t id, bool binary, MessageBytes bytes, int64_t nowUs);
  void close(uint16_t id, int64_t nowUs, std::string_view reason = "closed");
  void shutdown(std::string_view reason) { sctp_.abort(reason); }

  const DataChannelInfo* find(uint16_t id) const;
  const DataChannelInfo* findByLabel(std::string_view label) const;
  const std::map<uint16_t, DataChannelInfo>& channels() const noexcept { return channels_; }
  size_t bufferedBytes(uint16_t id) const noexcept { return sctp_.bufferedBytes(id); }
  const DataChannelsStats& stats() const noexcept { return stats_; }
  const Association& association() const noexcept { return sctp_; }

 private:
  // AssociationListener
  void onSctpSend(std::span<const uint8_t> packet) override { listener_.onDataChannelsSend(packet); }
  void onSctpEstablished() override { listener_.onDataChannelsReady(); }
  void onSctpMessage(uint16_t stream, uint32_t ppid, std::vector<uint8_t>&& payload) override;
  void onSctpStreamsReset(std::span<const uint16_t> streams) override;
  void onSctpClosed(std::string_view reason) override;

  void onDcep(uint16_t stream, std::span<const uint8_t> message);
  SendOptions optionsOf(const DataChannelInfo& channel) const;
  void closeChannel(uint16_t id, int64_t nowUs, std::string_view reason, ChannelCloseCause cause);

  DataChannelsConfig config_;
  DataChannelsListener& listener_;
  Association sctp_;
  std::map<uint16_t, DataChannelInfo> channels_;
  uint16_t nextId_;
  int64_t nowUs_ = 0;
  DataChannelsStats stats_;
};

}  // namespace rtcgate::transport::sctp
