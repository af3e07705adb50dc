#pragma once
// MixManager: mixes of named streams, as streams of their own (POST /api/mixes). A mix
// takes each source's frames through a frame sink on the source's worker (in the source's
// own codecs: no rendition is made for it), mixes the audio and composes the video on a
// mix thread (`rtc-mix`: neither the control loop nor a media worker does codec work), and
// publishes the result (Opus, H.264) as the stream named after the mix, which plays over
// WHEP and RTMP and can be pushed and recorded like any other. A source that ends is left
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
#include "mcu/layout.h"
#include "mcu/video_compositor.h"
#include "net/event_loop.h"
#include "net/loop_executor.h"

namespace rtcgate::edge {

class MixRunner;

struct MixSpec {
  std::string name;
  std::vector<std::string> sources;
  // A room's mix: its sources are the room's participants, following joins and leaves.
  std::string room;
  bool audio = true;
  bool video = false;
  size_t loudest = 3;     // only this many sources are summed at once (0 = all)
  int bitrateKbps = 0;    // Opus; 0 = 64
  // Video: the canvas, its frame rate and H.264 bitrate (0 = from the size), the layout.
  int width = 1280;
  int height = 720;
  int fps = 30;
  int videoBitrateKbps = 0;
  mcu::LayoutKind layout = mcu::LayoutKind::kGrid;
  std::vector<mcu::Region> regions;  // kRegions
};

struct MixInfo {
  MixSpec spec;
  std::string id;
  std::vector<std::string> endedSources;
  int64_t createdMs = 0;
  uint64_t framesOut = 0;
  uint64_t videoFramesOut = 0;
};

// Why a mix was not made: an HTTP status and a reason.
struct MixRefusal {
  int status;
  std::string reason;
};

class MixManager {
 public:
  static constexpr size_t kMaxSources = 16;
  // A room's mix takes at most this many participants (the loudest few are heard).
  static constexpr size_t kMaxRoomSources = 100;

  // `threads`: mix threads (each mix runs on one; 0 = one per core, at most 4).
  MixManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry,
             cluster::WorkerPool& workers, size_t maxMixes, unsigned threads = 0);
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
  // Changes a running video mix's layout (404 no such mix, 400 a mix without video).
  std::optional<MixRefusal> setLayout(const std::string& name, mcu::LayoutKind kind, std::vector<mcu::Region> regions);
  // False when no such mix exists.
  bool remove(const std::string& name);
  // Ends every mix (shutdown).
  void stopAll();

  // Rooms (from the room signaling, on the control thread). The streams of a room's
  // participants, whenever they change; the room's mixes follow them.
  void setRoomSources(const std::string& room, std::vector<std::string> sources);
  // The room is over: its listeners are gone; its mixes mix nothing until it is back.
  void roomEnded(const std::string& room);
  // Participant stream `listener` of `room` hears the room without itself through stream
  // `outStream`, published on `worker`; `ready` says when it can be subscribed to.
  void listen(const std::string& room, unsigned worker, const std::string& listener, const std::string& outStream,
              std::function<void(Status)> ready);
  void unlisten(const std::string& room, const std::string& listener);

 private:
  class Input;
  struct Mix;
  struct MixThread;

  // Why `sources` cannot feed mix `name` (sources it has already may have ended), or nothing.
  std::optional<MixRefusal> checkSources(const std::string& name, const std::vector<std::string>& sources,
                                         const std::vector<std::string>& current) const;
  void startInput(Mix& mix, const std::string& source);
  void stopInput(Mix& mix, const std::string& source);
  // Every second: sources that ended and are published again are taken back.
  void reattach();
  void onOutput(const std::string& name, const std::string& id,
                std::vector<std::shared_ptr<const media::MediaFrame>> frames);
  void onMinusOutput(const std::string& name, const std::string& listener,
                     std::vector<std::shared_ptr<const media::MediaFrame>> frames);
  // Starts a mix's runner (and its output stream when it has one).
  std::optional<MixRefusal> launch(MixSpec spec, bool published, Created done);
  void onKeyframeWanted(const std::string& name, const std::string& source);
  // Runs `fn` on the mix's thread with its runner, if it still runs.
  void onRunner(const Mix& mix, std::function<void(MixRunner&)> fn);
  void onSourceEnded(const std::string& name, const std::string& source);
  MixInfo info(const Mix& mix) const;
  void teardown(Mix& mix);

  Executor& controlExecutor_;
  net::Timer reattachTimer_;
  bool reattaching_ = false;
  cluster::Directory& registry_;
  cluster::WorkerPool& workers_;
  size_t maxMixes_;
  std::map<std::string, std::unique_ptr<Mix>> mixes_;  // control thread, by name
  std::map<std::string, std::vector<std::string>> roomSources_;  // rooms that exist
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // The mix threads; each one's runners are touched only there.
  std::vector<std::unique_ptr<MixThread>> threads_;
};

}  // namespace rtcgate::edge
