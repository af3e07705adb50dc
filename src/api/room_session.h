#pragma once
// RoomSession: one room on the control thread — its sfu::Room, the signaling connection
// of each participant, and their media sessions on the room's worker: the publisher
// connections (client-offered, like WHIP) and the subscriber connection (server-offered,
// renegotiated through the participant's SubscriberSlots).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "api/api_config.h"
#include "api/room_messages.h"
#include "cluster/directory.h"
#include "cluster/media_workers.h"
#include "cluster/room_directory.h"
#include "edge/mix_manager.h"
#include "crypto/dtls/certificate.h"
#include "net/websocket.h"
#include "sfu/room.h"
#include "transport/ice/ice_types.h"
#include "wire/sdp/negotiated_session.h"
#include "wire/sdp/offer_builder.h"

namespace rtcgate::edge {
class RelayManager;
}

namespace rtcgate::api {

// What every room of a gateway shares.
struct RoomContext {
  cluster::Directory& directory;
  cluster::MediaWorkers& workers;
  const ApiConfig& config;
  const crypto::dtls::Certificate& certificate;
  const Clock& clock;
  // Counts a refused message by its code (rtcgate_room_signaling_errors_total).
  std::function<void(room::ErrorCode)> countError;
  // Room mixes and mixed audio for participants; null: no mixing.
  edge::MixManager* mixes = nullptr;
  // Rooms across nodes (docs/CLUSTER.md): the room records in Redis and the relays that
  // bring other nodes' participants' tracks here. Null: this node alone.
  cluster::RoomDirectory* roomDirectory = nullptr;
  edge::RelayManager* relays = nullptr;
};

// What a participant may do in its room (its token's grants; all of it with no JWT auth).
struct RoomPermissions {
  bool publish = true;
  bool subscribe = true;
  bool publishData = true;  // sending data channel messages to the others
};

class RoomSession final : public sfu::RoomListener {
 public:
  static constexpr int64_t kSpeakersIntervalUs = 300'000;
  // Below this (about -46 dBov) a microphone counts as silent.
  static constexpr float kSpeakingLevel = 0.005f;
  // A subscriber offer not answered in this long is offered again.
  static constexpr int64_t kAnswerTimeoutUs = 10'000'000;
  // In a cluster: the other nodes' participants are read this often; this node's are written
  // at once when they change, and at least this often.
  static constexpr int64_t kClusterReadUs = 500'000;
  static constexpr int64_t kClusterWriteUs = 1'000'000;

  RoomSession(std::string name, unsigned worker, RoomContext& context);
  ~RoomSession() override;

  const std::string& name() const noexcept { return room_.name(); }
  unsigned worker() const noexcept { return worker_; }
  const sfu::Room& room() const noexcept { return room_; }
  // No participant connects through this node (the other nodes' alone keep no room here).
  bool empty() const noexcept { return members_.empty(); }
  size_t localCount() const noexcept { return members_.size(); }
  // A participant of another node, seen here through the cluster.
  bool isRemote(std::string_view name) const { return remotes_.find(name) != remotes_.end(); }
  // A stream relayed here may be a remote participant's track.
  void onStreamRelayed(const std::string& stream);

  // The signaling of one participant; `channel` is its WebSocket. Errors go back on it.
  // False (and the error sent) when refused. Without `permissions.subscribe` it is offered
  // no subscriber connection; without `permissions.publish` its publish is refused.
  bool join(const std::shared_ptr<net::WebSocketChannel>& channel, const room::Join& join, const std::string& rid,
            RoomPermissions permissions = {});
  void publish(const std::string& name, const room::Publish& msg, const std::string& rid);
  void unpublish(const std::string& name, room::Connection connection);
  void answer(const std::string& name, const room::Answer& msg, const std::string& rid);
  void mute(const std::string& name, const room::Mute& msg, const std::string& rid);
  void subscription(const std::string& name, const room::Subscription& msg, const std::string& rid);
  void update(const std::string& name, const room::Update& msg);
  void restartIce(const std::string& name);
  void leave(const std::string& name, std::string_view reason);
  // Its WebSocket closed without a leave: the grace period starts.
  void disconnected(const std::string& name, const net::WebSocketChannel* channel);
  // A media session ended on its worker (the client closed it, or its network is gone):
  // a subscriber connection is offered afresh, a publisher connection's tracks end.
  // False when it is none of this room's.
  bool onSessionEnded(const std::string& sessionId);
  // Grace periods, and the subscriber offers that are due.
  void onTick();
  // Ends every participant (the room is over).
  void end(std::string_view reason);
  nlohmann::json describe() const;

  // sfu::RoomListener
  void onParticipantJoined(const sfu::RoomParticipant& p) override;
  void onParticipantLeft(const sfu::RoomParticipant& p, std::string_view reason) override;
  void onParticipantUpdated(const sfu::RoomParticipant& p) override;
  void onTrackPublished(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) override;
  void onTrackUnpublished(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) override;
  void onTrackMuted(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) override;

 private:
  struct PublisherConnection {
    std::string sessionId;
    std::string remoteUfrag;
    std::string remoteFingerprint;
    std::vector<room::PublishedTrack> tracks;
  };
  struct PendingOffer {
    uint64_t negotiation = 0;
    std::vector<wire::sdp::NegotiatedMedia> offered;
    std::vector<sfu::ConsumerBinding> bindings;
    bool answered = false;  // waiting for the worker
    int64_t sentUs = 0;
  };
  // The media and signaling side of one participant.
  struct Member {
    RoomPermissions permissions;
    std::shared_ptr<net::WebSocketChannel> channel;  // null while disconnected
    uint64_t generation = 0;  // which incarnation of the name (a replacement is another)
    std::map<room::Connection, PublisherConnection> publishers;
    std::string subscriberId;
    transport::ice::IceCredentials subscriberIce;
    uint64_t sdpSessionId = 0;
    uint64_t sdpVersion = 0;
    std::optional<PendingOffer> pending;
    bool restartIce = false;
    bool mixedAudio = false;  // hears the room through its mix-minus stream
    // Its subscriber connection carries data channels: an m=application section, first in
    // every offer from the first (so its place never changes), offered even before there
    // is any track to receive.
    bool data = false;
    int64_t joinedMs = 0;  // wall clock, for the cluster (of two of one name the later wins)
  };
  // A participant of another node: its record there, and the streams held (relayed) for it.
  struct Remote {
    std::string node;
    int64_t joinedMs = 0;
    std::set<std::string> held;
  };

  void send(const std::string& name, const std::string& text);
  void sendToOthers(const std::string& name, const std::string& text);
  void fail(const std::string& name, room::ErrorCode code, std::string_view text, const std::string& rid);
  Member* member(const std::string& name, uint64_t generation);
  void sendOffer(const std::string& name, sfu::RoomParticipant& p, Member& m);
  void onSubscriberReady(const std::string& name, uint64_t generation, uint64_t negotiation, const Status& st);
  void applyOptions(const sfu::RoomParticipant& p, const Member& m, const std::string& trackId);
  void startPublisher(const std::string& name, const room::Publish& msg, const std::string& rid);
  void onPublisherStarted(const std::string& name, uint64_t generation, room::Connection c, PublisherConnection pc,
                          const std::string& sdp, const Status& st, const std::string& rid);
  void closePublisher(const std::string& name, Member& m, room::Connection c);
  // Asks the worker for the room's audio levels a few times a second; ranks the speakers.
  void pollSpeakers(int64_t nowUs);
  void onAudioLevels(const std::vector<std::pair<std::string, float>>& levels);
  // Every participant's connection quality, from its sessions on the worker, every 2 s.
  void pollQuality(int64_t nowUs);
  void onSessions(const std::vector<sfu::SessionInfo>& sessions);
  void closeMedia(Member& m);
  // Mixed audio: the participant's mix-minus is set up, then replaces the others' audio.
  void startMixedAudio(const std::string& name, uint64_t generation);
  // Tells the room's mixes who publishes now.
  void updateMixSources();
  std::vector<wire::sdp::CodecRef> publishedCodec(const std::string& stream, sfu::MediaKind kind) const;
  // Rooms across nodes (room_session_cluster.cc).
  void syncCluster(int64_t nowUs);
  void writeCluster(int64_t nowUs);
  // Brings the room's remote participants in line with the other nodes' records.
  void applyRemote();
  void applyRemoteTracks(const std::string& name, Remote& remote, const cluster::RoomMemberRecord& record);
  void releaseRemote(Remote& remote);
  // A change other nodes must see (a participant of this node joined, published...).
  void localChanged(const sfu::RoomParticipant& p) {
    if (!isRemote(p.name)) clusterDirty_ = true;
  }

  RoomContext& ctx_;
  unsigned worker_;
  sfu::Room room_;
  std::map<std::string, Member, std::less<>> members_;
  uint64_t nextGeneration_ = 1;
  int64_t nextSpeakersUs_ = 0;
  int64_t nextQualityUs_ = 0;
  bool sessionsPending_ = false;
  std::map<std::string, std::string> lastQuality_;
  bool levelsPending_ = false;
  std::vector<std::string> lastSpeakers_;
  std::map<std::string, Remote, std::less<>> remotes_;
  cluster::RoomDirectory::Members remoteRecords_;
  bool clusterDirty_ = true;
  bool clusterReading_ = false;
  int64_t nextClusterReadUs_ = 0;
  int64_t nextClusterWriteUs_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for completions that outlive us
};

}  // namespace rtcgate::api
