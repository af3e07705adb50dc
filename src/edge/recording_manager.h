#pragma once
// RecordingManager: recordings of streams to files (POST /api/streams/{stream}/recordings).
// Each recording takes the stream's frames as they are (no rendition) through a frame sink
// on the stream's worker and writes them on the recorder thread (`rtc-rec`: file I/O never
// runs on the control loop or a media worker) with mcu::Recorder. A publisher that goes
// away and comes back within the grace continues the same file; a write error (a full
// disk) fails that recording with its reason and never touches the stream.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/executor.h"
#include "cluster/directory.h"
#include "cluster/worker_pool.h"
#include "mcu/recorder.h"
#include "net/event_loop.h"
#include "net/loop_executor.h"

namespace rtcgate::edge {

struct RecordingOptions {
  std::string dir = "recordings";
  size_t maxRecordings = 16;     // running at once, across streams
  int64_t reconnectGraceMs = 60'000;  // a paused recording waits this long for its stream
};

struct RecordingInfo {
  std::string id;
  std::string stream;
  std::string file;  // path; "" until the container is chosen
  std::string state;
  std::string error;
  std::string format;  // "mp4", "webm" or ""
  uint64_t bytes = 0;
  double durationSeconds = 0;
  uint32_t segments = 0;
  int64_t createdMs = 0;
};

struct RecordingRefusal {
  int status;
  std::string reason;
};

class RecordingManager {
 public:
  RecordingManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
                   cluster::WorkerPool& workers, RecordingOptions options);
  ~RecordingManager();
  RecordingManager(const RecordingManager&) = delete;
  RecordingManager& operator=(const RecordingManager&) = delete;

  // On the control thread.
  std::variant<RecordingInfo, RecordingRefusal> start(const std::string& stream);
  std::vector<RecordingInfo> list(const std::string& stream = "") const;
  std::optional<RecordingInfo> find(const std::string& stream, const std::string& id) const;
  // Stops and finishes the file; `done` gets the final state (nothing when there is no such recording).
  void stop(const std::string& stream, const std::string& id, std::function<void(std::optional<RecordingInfo>)> done);
  // Finishes every file (shutdown); waits for the recorder thread.
  void stopAll();

 private:
  class Target;
  struct Recording;

  void attach(Recording& r);
  void detach(Recording& r);
  void onUpdate(const std::string& id, mcu::RecorderInfo info);
  void onSourceEnded(const std::string& id);
  void tick();
  RecordingInfo infoOf(const Recording& r) const;

  Executor& controlExecutor_;
  cluster::Directory& registry_;
  cluster::WorkerPool& workers_;
  RecordingOptions options_;
  net::Timer timer_;
  bool ticking_ = false;
  std::map<std::string, std::unique_ptr<Recording>> recordings_;  // by id; control thread
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  net::EventLoop loop_{"rtc-rec"};
  net::LoopExecutor executor_{loop_};
};

}  // namespace rtcgate::edge
