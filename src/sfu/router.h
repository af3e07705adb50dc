#pragma once
// Router: the SFU of one worker — its streams, its peers (WebRTC sessions) and its frame
// sources and sinks (RTMP). Every call runs on the worker thread; the control thread
// reaches it only through posted calls.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "sfu/frame_publisher.h"
#include "sfu/frame_sink.h"
#include "sfu/peer.h"
#include "sfu/peer_host.h"
#include "sfu/relay_link.h"
#include "sfu/relay_sender.h"
#include "sfu/relay_track.h"
#include "sfu/room_data.h"
#include "sfu/session_info.h"
#include "sfu/session_spec.h"
#include "sfu/stream.h"

namespace rtcgate::sfu {

// A room subscriber's m-line and the stream its consumer takes.
struct ConsumerBinding {
  std::string mid;
  std::string stream;
};

// How a room subscriber receives one track.
struct ConsumerOptions {
  bool paused = false;
  Quality quality = Quality::kHigh;
};

class Router final : public FramePublisherListener, private RelayLinkListener, private RelaySender::Listener {
 public:
  // A publisher lost without ending its stream (consent expired, network gone) has this
  // long to come back before its subscribers are closed.
  static constexpr int64_t kDefaultPublisherGraceUs = 30'000'000;

  Router(PeerHost& host, unsigned workerIndex, int64_t publisherGraceUs = kDefaultPublisherGraceUs)
      : host_(host), worker_(workerIndex), publisherGraceUs_(publisherGraceUs) {}
  ~Router() override;

  // Starts a publishing peer; with `replace`, an existing publisher is closed first.
  Status addPublisher(SessionSpec spec, bool replace);
  // Starts a playing peer: its consumers take the stream's producers.
  Status addSubscriber(SessionSpec spec);
  // Starts a room participant's subscriber connection: a consumer per binding, each taking
  // its stream (made empty when its publisher has not arrived yet).
  Status addRoomSubscriber(SessionSpec spec, const std::vector<ConsumerBinding>& bindings);
  // A renegotiation of it: consumers of m-lines that went inactive or changed track leave,
  // those of new bindings join; the others carry on untouched.
  Status updateConsumers(const std::string& id, const wire::sdp::NegotiatedSession& negotiated,
                         const std::vector<ConsumerBinding>& bindings);
  bool setConsumerOptions(const std::string& id, const std::string& mid, ConsumerOptions options);
  bool closeSession(const std::string& id, std::string_view reason);
  bool setQuality(const std::string& id, Quality quality);
  Peer* find(const std::string& id);

  // Frame sources (RTMP publishers): like addPublisher, for a source that delivers frames.
  Status addFramePublisher(std::string id, std::string stream, SessionKind kind, bool replace, int64_t createdMs);
  // Timed metadata of frame publisher `id` at its stream time (false: no such publisher).
  bool pushTimedData(const std::string& id, int64_t ptsUs, const std::shared_ptr<const std::vector<uint8_t>>& bytes);
  bool pushFrame(const std::string& id, const std::shared_ptr<const media::MediaFrame>& frame, bool videoReorders);
  // The source's connection ended: on purpose (unpublished) ends the stream; otherwise its
  // subscribers wait the grace period for a new publisher, as for a lost WebRTC publisher.
  bool removeFramePublisher(const std::string& id, bool onPurpose, std::string_view reason);
  // Frame sinks (RTMP players and pushes) of an existing stream; the router owns them.
  Status addFrameSink(std::string id, std::string stream, SessionKind kind, std::unique_ptr<FrameSink> sink,
                      int64_t createdMs);
  bool removeFrameSink(const std::string& id);
  bool requestSinkKeyframe(const std::string& id);
  bool hasStreamPublisher(const std::string& stream) const;

  // Relays between nodes (sfu/router_relays.cc, docs/CLUSTER.md). A link to another node's
  // worker; a stream sent over a link (the tracks as they travel); a stream received over
  // one, which becomes the local stream's source (its players wait for it like for a lost
  // publisher when it fails, and end with it when the far side's stream ended).
  Status addRelayLink(RelayLinkSpec spec);
  bool hasRelayLink(const std::string& id) const { return links_.count(id) > 0; }
  void closeRelayLink(const std::string& id, std::string_view reason);
  Result<std::vector<RelayTrack>> addRelaySender(const std::string& id, const std::string& stream,
                                                 const std::string& linkId, const std::string& toNode,
                                                 const std::vector<wire::sdp::NegotiatedMedia>& published);
  Status addRelayReceiver(SessionSpec spec, const std::string& linkId, const std::vector<RelayTrack>& tracks);

  // FramePublisherListener
  void onFramePublisherEnded(const std::string& id, std::string_view reason) override;

  // A peer failed or closed (called by the host from the transport's callback); it is
  // detached now and destroyed on the next tick, outside any of its own calls.
  void onPeerEnded(Peer& peer);
  void onTick(int64_t nowUs);

  std::vector<SessionInfo> sessions() const;
  std::vector<StreamInfo> streams() const;
  // The audio level (0-1) of every stream whose name starts with `prefix` and whose
  // publisher's audio is not silent.
  std::vector<std::pair<std::string, float>> audioLevels(std::string_view prefix) const;
  const SfuCounters& counters() const noexcept { return counters_; }
  size_t sessionCount() const noexcept {
    return sessions_.size() + framePublishers_.size() + frameSinks_.size() + relaySenders_.size();
  }
  // Transcodes: counters over every stream (ended ones included), and how many run now.
  RenditionCounters renditionCounters() const;
  size_t renditionsRunning() const;
  size_t frameSinkCount() const noexcept { return frameSinks_.size(); }
  // Drop counts summed over every live session's transport.
  DropCounters transportDrops() const;

 private:
  Stream& streamFor(const std::string& name);
  void attachConsumer(Peer& peer, const wire::sdp::NegotiatedMedia& media, const std::string& stream);
  void detachConsumer(Peer& peer, Consumer& consumer);
  void detach(Peer& p);
  // A room subscriber with data channels joins its room's data, or leaves it.
  void joinRoomData(Peer& p);
  void leaveRoomData(Peer& p);
  // Closes every subscriber of `stream` (the stream is over).
  void endStream(Stream& stream, std::string_view reason);
  void eraseIfEmpty(const std::string& stream);
  // RelayLinkListener, RelaySender::Listener
  void onRelayLinkEnded(const std::string& id, std::string_view reason) override;
  void onRelaySenderEnded(RelaySender& sender, std::string_view reason) override;
  void tickRelays(int64_t nowUs);
  // Closes the relays sending `stream` (it ended, or lost its source).
  void endRelaySenders(const std::string& stream, bool streamEnded, std::string_view reason);
  // Removes a stream, keeping its rendition counters in the router's totals.
  void eraseStream(std::map<std::string, std::unique_ptr<Stream>>::iterator it);
  // Detaches a frame publisher from its stream; it is destroyed on the next tick.
  void retireFramePublisher(const std::string& id, bool onPurpose);

  struct FrameSinkEntry {
    std::unique_ptr<FrameSink> sink;
    SessionInfo info;
  };

  PeerHost& host_;
  unsigned worker_;
  int64_t publisherGraceUs_;
  SfuCounters counters_;
  std::map<std::string, std::unique_ptr<Stream>> streams_;
  std::map<std::string, std::unique_ptr<Peer>> sessions_;
  std::map<std::string, std::unique_ptr<RoomData>> roomData_;  // by room
  std::vector<std::unique_ptr<Peer>> graveyard_;
  std::map<std::string, std::unique_ptr<FramePublisher>> framePublishers_;
  std::vector<std::unique_ptr<FramePublisher>> frameGraveyard_;
  std::map<std::string, FrameSinkEntry> frameSinks_;
  std::vector<Peer*> ticking_;  // reused every tick, so ticking does not allocate
  std::map<std::string, std::unique_ptr<RelayLink>> links_;
  std::vector<std::unique_ptr<RelayLink>> linkGraveyard_;
  std::map<std::string, int64_t> idleLinksSinceUs_;
  std::map<std::string, std::unique_ptr<RelaySender>> relaySenders_;
  std::vector<std::unique_ptr<RelaySender>> relayGraveyard_;
  DropCounters endedDrops_;
  RenditionCounters endedRenditions_;  // of streams already gone, so totals never go down
};

}  // namespace rtcgate::sfu
