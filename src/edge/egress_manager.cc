#include "edge/egress_manager.h"

#include <spdlog/spdlog.h>


#include "cluster/session_id.h"
#include "base/clock.h"
#include "sfu/posting_frame_sink.h"
#include "edge/push_retention.h"
#include "edge/rtmp_egress.h"
#include "transport/rtmp/rtmp_url.h"

namespace rtcgate::edge {


// One push: the frames of its stream, on the control loop, into its RtmpEgress.
class EgressManager::Push final : public sfu::FrameTarget, public RtmpEgressListener {
 public:
  Push(EgressManager& manager, net::EventLoop& loop, std::string id, std::string stream, unsigned worker,
       std::string url)
      : manager_(manager), id_(std::move(id)), stream_(std::move(stream)), worker_(worker), createdMs_(unixTimeMs()) {
    RtmpEgressOptions options;
    options.policy = &manager.policy_;
    egress_ = std::make_unique<RtmpEgress>(loop, std::move(url), *this, options);
  }

  const std::string& id() const noexcept { return id_; }
  const std::string& stream() const noexcept { return stream_; }
  unsigned worker() const noexcept { return worker_; }
  bool ended() const noexcept { return !endedReason_.empty(); }
  int64_t endedMs() const noexcept { return endedMs_; }
  void start() { egress_->start(); }
  void stop() { egress_->stop(); }

  EgressInfo info() const {
    const RtmpEgressStatus s = egress_->status();
    EgressInfo i;
    i.id = id_;
    i.stream = stream_;
    i.state = s.state;
    i.url = s.url;
    i.bytesSent = s.bytesSent;
    i.framesSent = s.framesSent;
    i.framesDropped = s.framesDropped;
    i.connects = s.connects;
    i.lastError = ended() ? endedReason_ : s.lastError;
    i.retryInMs = s.retryInMs;
    i.publishingSinceMs = s.publishingSinceMs;
    i.createdMs = createdMs_;
    return i;
  }

  // sfu::FrameTarget
  void onFrame(std::shared_ptr<const media::MediaFrame> frame) override {
    if (!ended()) egress_->onFrame(std::move(frame));
  }
  void onStreamEnded(const std::string& reason) override {
    if (ended()) return;
    endedReason_ = "stream ended: " + reason;
    endedMs_ = unixTimeMs();
    spdlog::info("egress {} of '{}': {}", id_, stream_, endedReason_);
    egress_->stop();
    manager_.onPushEnded(*this);
  }

  // RtmpEgressListener
  void onEgressNeedsKeyframe() override {
    if (!ended()) manager_.workers_.requestSinkKeyframe(worker_, id_);
  }
  void onEgressStateChanged(const RtmpEgressStatus&) override {}

 private:
  EgressManager& manager_;
  std::string id_;
  std::string stream_;
  unsigned worker_;
  int64_t createdMs_;
  int64_t endedMs_ = -1;
  std::string endedReason_;
  std::unique_ptr<RtmpEgress> egress_;
};

EgressManager::EgressManager(net::EventLoop& control, Executor& executor, cluster::Directory& registry,
                             cluster::WorkerPool& workers, EgressPolicy policy)
    : control_(control), executor_(executor), registry_(registry), workers_(workers), policy_(std::move(policy)) {}

EgressManager::~EgressManager() { stopAll(); }

void EgressManager::start(const std::string& stream, const std::string& url, Started done) {
  const auto refuse = [&done](int status, std::string reason) {
    done(EgressRefusal{status, std::move(reason)}, {});
  };
  const auto parsed = transport::rtmp::RtmpUrl::parse(url);
  if (!parsed.ok()) return refuse(400, std::string("bad push URL: ") + parsed.error().message);
  // An address in the URL is checked now; a name, on every address it resolves to.
  if (const auto literal = SocketAddress::parse(parsed->host, parsed->port))
    if (auto why = policy_.refusal(*literal)) return refuse(403, *why);
  prune();
  const cluster::StreamEntry* entry = registry_.stream(stream);
  if (!entry || entry->publisherId.empty()) return refuse(404, "stream '" + stream + "' is not being published");
  size_t live = 0;
  for (const auto& [id, p] : pushes_)
    if (p->stream() == stream && !p->ended()) ++live;
  if (live >= kMaxPerStream)
    return refuse(409, "stream '" + stream + "' already has " + std::to_string(live) + " pushes");

  const unsigned worker = entry->worker;
  const std::string id = cluster::newSessionId();
  auto push = std::make_shared<Push>(*this, control_, id, stream, worker, url);
  // Listed (and counted against the limit) while its worker takes it.
  registry_.addSubscriber({id, sfu::SessionKind::kRtmpEgress, stream, worker, "", ""});
  pushes_.emplace(id, push);
  const sfu::FrameWants wants{media::MediaCodec::kH264, media::MediaCodec::kAac, false};
  workers_.addFrameSink(
      worker, id, stream, sfu::SessionKind::kRtmpEgress, std::make_unique<sfu::PostingFrameSink>(executor_, push, wants),
      [this, id, push, redacted = parsed->redacted(), done = std::move(done)](Status st) {
        const bool deleted = pushes_.find(id) == pushes_.end();
        if (!st.ok() || deleted) {
          if (!deleted) {
            pushes_.erase(id);
            registry_.remove(id);
          }
          const int status = deleted ? 409 : st.error().code == Error::Code::kTimeout ? 503 : 409;
          return done(EgressRefusal{status, std::string("cannot start push: ") +
                                                     (deleted ? "deleted while starting" : st.error().message)},
                      {});
        }
        push->start();
        spdlog::info("egress {}: pushing '{}' to {}", id, push->stream(), redacted);
        done(std::nullopt, push->info());
      });
}

std::vector<EgressInfo> EgressManager::list(const std::string& stream) const {
  std::vector<EgressInfo> out;
  for (const auto& [id, p] : pushes_)
    if (p->stream() == stream) out.push_back(p->info());
  return out;
}

bool EgressManager::stop(const std::string& stream, const std::string& id) {
  auto it = pushes_.find(id);
  if (it == pushes_.end() || it->second->stream() != stream) return false;
  std::shared_ptr<Push> push = it->second;
  pushes_.erase(it);
  push->stop();
  if (!push->ended()) {
    workers_.removeFrameSink(push->worker(), id);
    registry_.remove(id);
  }
  spdlog::info("egress {}: push of '{}' deleted", id, stream);
  return true;
}

void EgressManager::onPushEnded(Push& push) {
  // The worker has dropped its sink already (the stream is over).
  registry_.remove(push.id());
  // `push` is running this call: keep it alive across the pruning.
  const auto it = pushes_.find(push.id());
  const std::shared_ptr<Push> keep = it != pushes_.end() ? it->second : nullptr;
  prune();
}

void EgressManager::prune() {
  std::map<std::string, PushRecord> records;
  for (const auto& [id, p] : pushes_) records.emplace(id, PushRecord{p->stream(), p->ended() ? p->endedMs() : -1});
  for (const auto& id : pushesToForget(records, unixTimeMs())) pushes_.erase(id);
}

void EgressManager::stopAll() {
  for (auto& [id, p] : pushes_) p->stop();
  pushes_.clear();
}

}  // namespace rtcgate::edge
