#pragma once
// LocalDirectory: the Directory of one process — its sessions and streams, placed on the
// least loaded of its workers.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/directory.h"

namespace rtcgate::cluster {

class LocalDirectory final : public Directory {
 public:
  explicit LocalDirectory(unsigned workers) : load_(workers, 0) {}

  void setObserver(DirectoryObserver* observer) override { observer_ = observer; }
  // The stream's worker, or (for a new stream) the least loaded one.
  unsigned workerFor(const std::string& stream) const override;
  void addPublisher(const SessionEntry& e, std::vector<wire::sdp::NegotiatedMedia> media) override;
  void addSubscriber(const SessionEntry& e) override;
  // Forgets a session (closed through the API or ended on its worker). Idempotent.
  void remove(const std::string& id) override;
  void restartedIce(const std::string& id, std::string remoteUfrag, std::string etag) override;

  const SessionEntry* find(const std::string& id) const override;
  const StreamEntry* stream(const std::string& name) const override;
  void forEachStream(const std::function<void(const std::string&, const StreamEntry&)>& fn) const override {
    for (const auto& [name, entry] : streams_) fn(name, entry);
  }
  size_t sessionCount() const noexcept override { return sessions_.size(); }
  size_t streamCount() const noexcept override { return streams_.size(); }

 private:
  StreamEntry& streamEntry(const std::string& name, unsigned worker);

  std::map<std::string, SessionEntry> sessions_;
  std::map<std::string, StreamEntry> streams_;
  std::vector<size_t> load_;
  DirectoryObserver* observer_ = nullptr;
};

}  // namespace rtcgate::cluster
