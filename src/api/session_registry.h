#pragma once
// SessionRegistry: the control thread's directory of sessions and streams — which worker
// holds what, and what each stream's publisher negotiated (so players get matching codecs).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfu/session_info.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::api {

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
};

class SessionRegistry {
 public:
  explicit SessionRegistry(unsigned workers) : load_(workers, 0) {}

  // The stream's worker, or (for a new stream) the least loaded one.
  unsigned workerFor(const std::string& stream) const;
  void addPublisher(const SessionEntry& e, std::vector<wire::sdp::NegotiatedMedia> media);
  void addSubscriber(const SessionEntry& e);
  // Forgets a session (closed through the API or ended on its worker). Idempotent.
  void remove(const std::string& id);
  void setRemoteUfrag(const std::string& id, std::string ufrag);

  const SessionEntry* find(const std::string& id) const;
  const StreamEntry* stream(const std::string& name) const;
  size_t sessionCount() const noexcept { return sessions_.size(); }

 private:
  StreamEntry& streamEntry(const std::string& name, unsigned worker);

  std::map<std::string, SessionEntry> sessions_;
  std::map<std::string, StreamEntry> streams_;
  std::vector<size_t> load_;
};

}  // namespace rtcgate::api
