#pragma once
// Directory: where the streams and sessions are — which worker (and, in a cluster, which
// node) holds each, and what each stream's publisher negotiated (so players get matching
// codecs). The control thread's view; LocalDirectory is the in-process one, a Redis-backed
// one spans nodes.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfu/session_info.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::cluster {

struct SessionEntry {
  std::string id;
  sfu::SessionKind kind = sfu::SessionKind::kPublisher;
  std::string stream;
  unsigned worker = 0;
  std::string etag;
  std::string remoteUfrag;  // current ICE generation of the peer (PATCH tells restarts apart)
};

struct StreamEntry {
  unsigned worker = 0;
  std::string publisherId;  // empty while unpublished
  std::vector<wire::sdp::NegotiatedMedia> published;  // the publisher's accepted sections
  size_t sessions = 0;
  // Its players (subscribers) by worker: the stream's own, and those a fan-out placed on
  // other workers (edge/WorkerFanout).
  std::map<unsigned, size_t> subscribersOn;
};

// Told (on the control thread) when a stream gets a publisher or loses it: a cluster claims
// and releases the stream's name for this node.
class DirectoryObserver {
 public:
  virtual ~DirectoryObserver() = default;
  virtual void onStreamPublished(const std::string& stream) = 0;
  virtual void onStreamUnpublished(const std::string& stream) = 0;
};

class Directory {
 public:
  virtual ~Directory() = default;
  virtual void setObserver(DirectoryObserver* observer) = 0;
  // The stream's worker, or (for a new stream) where it should go.
  virtual unsigned workerFor(const std::string& stream) const = 0;
  // Records a session (from the moment its setup is asked of the worker).
  virtual void addPublisher(const SessionEntry& e, std::vector<wire::sdp::NegotiatedMedia> media) = 0;
  virtual void addSubscriber(const SessionEntry& e) = 0;
  // Forgets a session (closed, refused, or ended on its worker). Idempotent.
  virtual void remove(const std::string& id) = 0;
  // An ICE restart happened: the peer's new ufrag and the session's new entity-tag.
  virtual void restartedIce(const std::string& id, std::string remoteUfrag, std::string etag) = 0;

  virtual const SessionEntry* find(const std::string& id) const = 0;
  virtual const StreamEntry* stream(const std::string& name) const = 0;
  virtual void forEachStream(const std::function<void(const std::string&, const StreamEntry&)>& fn) const = 0;
  virtual size_t sessionCount() const noexcept = 0;
  virtual size_t streamCount() const noexcept = 0;
};

}  // namespace rtcgate::cluster
