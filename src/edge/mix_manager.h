#pragma once
// MixManager: audio mixes of named streams, as streams of their own (POST /api/mixes). A
// mix takes each source's audio through an audio-only frame sink on the source's worker,
// mixes on the mix thread (`rtc-mix`: neither the control loop nor a media worker does
// codec work), and publishes the Opus result as the stream named after the mix, which
// plays over WHEP and RTMP and can be pushed like any other. A source that ends is left
// out until it is published again (a publisher that reconnects is taken back within a
// second); the mix goes on until it is deleted.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/executor.h"
#include "cluster/directory.h"
#include "cluster/worker_pool.h"
#include "net/event_loop.h"
#include "net/loop_executor.h"

namespace rtcgate::edge {

struct MixSpec {
  std::string name;
  std::vector<std::string> sources;
  size_t loudest = 3;     // only this many sources are summed at once (0 = all)
  int bitrateKbps = 0;    // Opus; 0 = 64
};

struct MixInfo {
  std::string name;
  std::string id;
  std::vector<std::string> sources;
  std::vector<std::string> endedSources;
  size_t loudest = 0;
  int64_t createdMs = 0;
  uint64_t framesOut = 0;
};

// Why a mix was not made: an HTTP status and a reason.
struct MixRefusal {
  int status;
  std::string reason;
};

class MixManager {
 public:
  static constexpr size_t kMaxSources = 16;

  MixManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
             cluster::WorkerPool& workers, size_t maxMixes);
  ~MixManager();
  MixManager(const MixManager&) = delete;
  MixManager& operator=(const MixManager&) = delete;

  // On the control thread. `done` is told once the output stream is set up on its worker.
  using Created = std::function<void(std::optional<MixRefusal> refused, MixInfo mix)>;
  void create(MixSpec spec, Created done);
  std::vector<MixInfo> list() const;
  std::optional<MixInfo> find(const std::string& name) const;
  // Replaces a running mix's sources (the output goes on without a gap); the refusal when
  // it cannot: 404 no such mix, 400 bad sources, 404 a new source that is not published.
  std::optional<MixRefusal> setSources(const std::string& name, const std::vector<std::string>& sources);
  // False when no such mix exists.
  bool remove(const std::string& name);
  // Ends every mix (shutdown).
  void stopAll();

 private:
  class Runner;
  class Input;
  struct Mix;

  // Why `sources` cannot feed mix `name` (sources it has already may have ended), or nothing.
  std::optional<MixRefusal> checkSources(const std::string& name, const std::vector<std::string>& sources,
                                         const std::vector<std::string>& current) const;
  void startInput(Mix& mix, const std::string& source);
  void stopInput(Mix& mix, const std::string& source);
  // Every second: sources that ended and are published again are taken back.
  void reattach();
  void onOutput(const std::string& name, std::vector<std::shared_ptr<const media::MediaFrame>> frames);
  void onSourceEnded(const std::string& name, const std::string& source);
  MixInfo info(const Mix& mix) const;
  void teardown(Mix& mix);

  Executor& controlExecutor_;
  net::Timer reattachTimer_;
  bool reattaching_ = false;
  cluster::Directory& registry_;
  cluster::WorkerPool& workers_;
  size_t maxMixes_;
  std::map<std::string, std::unique_ptr<Mix>> mixes_;  // control thread
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // The mix thread; its runners are touched only there.
  net::EventLoop mixLoop_{"rtc-mix"};
  net::LoopExecutor mixExecutor_{mixLoop_};
  std::map<std::string, std::shared_ptr<Runner>> runners_;
};

}  // namespace rtcgate::edge
