#pragma once
// Router: the SFU of one worker — its streams and sessions. Every call runs on the worker
// thread; the control thread reaches it only through posted calls.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "sfu/publisher_session.h"
#include "sfu/session_info.h"
#include "sfu/stream.h"
#include "sfu/subscriber_session.h"

namespace rtcgate::sfu {

class Router {
 public:
  Router(SessionHost& host, unsigned workerIndex) : host_(host), worker_(workerIndex) {}
  ~Router();

  // Starts a publisher's session; with `replace`, an existing publisher is closed first.
  Status addPublisher(SessionSpec spec, bool replace);
  Status addSubscriber(SessionSpec spec);
  bool closeSession(const std::string& id, std::string_view reason);
  bool setQuality(const std::string& id, std::string_view quality);
  Session* find(const std::string& id);

  // A session failed or closed (called by the host from the transport's callback); it is
  // detached now and destroyed on the next tick, outside any of its own calls.
  void onSessionEnded(Session& session);
  void onTick(int64_t nowUs);

  std::vector<SessionInfo> sessions() const;
  std::vector<StreamInfo> streams() const;
  const SfuCounters& counters() const noexcept { return counters_; }
  size_t sessionCount() const noexcept { return sessions_.size(); }
  // Drop counts summed over every live session's transport.
  DropCounters transportDrops() const;

 private:
  Stream& streamFor(const std::string& name);
  void detach(Session& s);

  SessionHost& host_;
  unsigned worker_;
  SfuCounters counters_;
  std::map<std::string, std::unique_ptr<Stream>> streams_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  std::vector<std::unique_ptr<Session>> graveyard_;
  DropCounters endedDrops_;  // drops of sessions already gone, so totals never go down
};

}  // namespace rtcgate::sfu
