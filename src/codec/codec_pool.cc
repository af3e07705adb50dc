#include "codec/codec_pool.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "codec/transcoder.h"

namespace rtcgate::codec {

namespace {

struct PoolThread;

// One transcode as the pool sees it. The frame queue and flags are guarded by the
// worker's mutex; the Transcoder itself is touched only by the worker's thread.
struct Job {
  Job(const TranscodeSpec& s, Executor& e, std::weak_ptr<TranscodeOutput> o)
      : spec(s), deliver(e), output(std::move(o)) {}

  const TranscodeSpec spec;
  Executor& deliver;
  const std::weak_ptr<TranscodeOutput> output;
  TranscodeStats stats;
  // Cleared when the handle goes: results already posted are then not delivered.
  const std::shared_ptr<std::atomic<bool>> live = std::make_shared<std::atomic<bool>>(true);
  // Held while posting and while the handle clears `live`: once the handle is gone,
  // nothing more is posted, so the executor only has to outlive the handle.
  std::mutex postMutex;

  // Guarded by PoolThread::mutex.
  std::deque<std::shared_ptr<const media::MediaFrame>> queue;
  bool scheduled = false;  // in the worker's ready list
  bool cancelled = false;
  bool skipUntilKeyframe = false;

  std::atomic<bool> keyframeRequested{false};
  std::atomic<bool> wantsKeyframe{false};

  // Pool thread only.
  std::unique_ptr<Transcoder> transcoder;
  bool failed = false;
  uint64_t skippedSeen = 0;
  bool transcoderWaits = false;  // skipping input after a loss until a keyframe
};

// One pool thread and the transcodes pinned to it.
struct PoolThread {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Job>> ready;  // jobs with queued frames or to tear down
  std::vector<std::shared_ptr<Job>> jobs;  // every transcode pinned here
  bool stopping = false;
  std::thread thread;

  void run();
  void process(Job& job, const media::MediaFrame& frame, bool keyframeRequested);
  void retire(const std::shared_ptr<Job>& job);
};

void fail(Job& job, const char* reason) {
  job.failed = true;
  job.transcoder.reset();
  std::lock_guard lock(job.postMutex);
  if (!job.live->load()) return;
  job.deliver.post([output = job.output, live = job.live, why = std::string(reason)]() mutable {
    if (!live->load()) return;
    if (auto o = output.lock()) o->onTranscodeFailed(std::move(why));
  });
}

void deliver(Job& job, std::vector<media::MediaFrame>& frames) {
  // Counted first, so an owner that sees a frame also sees it counted.
  job.stats.framesOut += frames.size();
  std::lock_guard lock(job.postMutex);
  if (!job.live->load()) {
    frames.clear();
    return;
  }
  for (media::MediaFrame& f : frames) {
    auto shared = std::make_shared<const media::MediaFrame>(std::move(f));
    job.deliver.post([output = job.output, live = job.live, frame = std::move(shared)]() mutable {
      if (!live->load()) return;
      if (auto o = output.lock()) o->onTranscodedFrame(std::move(frame));
    });
  }
  frames.clear();
}

// Codecs open on the pool thread (opening x264 takes milliseconds), and a failure is
// reported as soon as the transcode starts, not at its first frame.
bool ensureCreated(Job& job) {
  if (job.transcoder) return true;
  if (job.failed) return false;
  auto created = Transcoder::create(job.spec);
  if (!created.ok()) {
    fail(job, created.error().message);
    return false;
  }
  job.transcoder = std::move(created.value());
  return true;
}

void PoolThread::process(Job& job, const media::MediaFrame& frame, bool keyframeRequested) {
  if (!ensureCreated(job)) {
    ++job.stats.framesDropped;
    return;
  }
  if (keyframeRequested) job.transcoder->requestKeyframe();
  std::vector<media::MediaFrame> out;
  const auto start = std::chrono::steady_clock::now();
  const Status status = job.transcoder->push(frame, out);
  const auto busy = std::chrono::steady_clock::now() - start;
  job.stats.busyUs += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(busy).count());
  const uint64_t skipped = job.transcoder->framesSkipped();
  if (skipped != job.skippedSeen) {
    job.stats.framesDropped += skipped - job.skippedSeen;
    job.skippedSeen = skipped;
    job.transcoderWaits = true;
    job.wantsKeyframe = true;
  } else if (frame.keyframe && job.transcoderWaits) {
    job.transcoderWaits = false;
    job.wantsKeyframe = false;
  }
  deliver(job, out);
  if (status.ok()) return;
  if (status.error().code == Error::Code::kInternal) return fail(job, status.error().message);
  ++job.stats.decodeErrors;
}

// Frees the codec here, on the pool thread, and forgets the job.
void PoolThread::retire(const std::shared_ptr<Job>& job) {
  job->transcoder.reset();
  std::lock_guard lock(mutex);
  std::erase(jobs, job);
}

void PoolThread::run() {
  for (;;) {
    std::unique_lock lock(mutex);
    wake.wait(lock, [this] { return stopping || !ready.empty(); });
    if (stopping) break;
    std::shared_ptr<Job> job = std::move(ready.front());
    ready.pop_front();
    if (job->cancelled) {
      lock.unlock();
      retire(job);
      continue;
    }
    std::shared_ptr<const media::MediaFrame> frame;
    if (!job->queue.empty()) {
      frame = std::move(job->queue.front());
      job->queue.pop_front();
    }
    // One frame per turn, so one busy transcode cannot starve the others on this thread.
    if (job->queue.empty()) {
      job->scheduled = false;
    } else {
      ready.push_back(job);
    }
    lock.unlock();
    // A codec that throws (bad_alloc, an FFmpeg wrapper's error) fails its own transcode,
    // never the pool thread and every transcode on it.
    try {
      if (frame) {
        process(*job, *frame, job->keyframeRequested.exchange(false));
      } else {
        ensureCreated(*job);  // scheduled by start()
      }
    } catch (const std::exception& e) {
      fail(*job, e.what());
    } catch (...) {
      fail(*job, "unknown exception");
    }
  }
  // Stopping: every codec pinned here is freed on this thread.
  std::vector<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mutex);
    jobs.swap(this->jobs);
    ready.clear();
  }
  for (auto& job : jobs) job->transcoder.reset();
}

// The owner's handle: queues frames for its job on the job's worker.
class Handle final : public TranscodeHandle {
 public:
  Handle(std::shared_ptr<PoolThread> worker, std::shared_ptr<Job> job, size_t depth,
         std::shared_ptr<std::atomic<size_t>> running)
      : worker_(std::move(worker)), job_(std::move(job)), depth_(depth), running_(std::move(running)) {}

  ~Handle() override {
    running_->fetch_sub(1);
    {
      std::lock_guard lock(job_->postMutex);
      job_->live->store(false);
    }
    std::lock_guard lock(worker_->mutex);
    job_->cancelled = true;
    job_->queue.clear();
    // The worker takes the last reference, so the codec is freed on its thread.
    worker_->ready.push_back(std::move(job_));
    worker_->wake.notify_one();
  }

  bool submit(std::shared_ptr<const media::MediaFrame> frame) override {
    Job& job = *job_;
    ++job.stats.framesIn;
    const bool video = media::isVideo(job.spec.from);
    std::lock_guard lock(worker_->mutex);
    if (worker_->stopping) {
      ++job.stats.framesDropped;
      return false;
    }
    if (job.skipUntilKeyframe && !frame->keyframe) {
      ++job.stats.framesDropped;
      return true;  // accepted by the caller's measure: it is already asked for a keyframe
    }
    if (job.skipUntilKeyframe) {
      job.skipUntilKeyframe = false;
      job.wantsKeyframe = false;
    }
    if (job.queue.size() >= depth_) {
      ++job.stats.framesDropped;
      if (video) {
        // The decoder must not see a frame whose reference was dropped.
        job.skipUntilKeyframe = true;
        job.wantsKeyframe = true;
      }
      return false;
    }
    job.queue.push_back(std::move(frame));
    if (!job.scheduled) {
      job.scheduled = true;
      worker_->ready.push_back(job_);
      worker_->wake.notify_one();
    }
    return true;
  }

  void requestKeyframe() override { job_->keyframeRequested = true; }
  bool wantsKeyframe() const override { return job_->wantsKeyframe; }
  const TranscodeStats& stats() const override { return job_->stats; }
  const TranscodeSpec& spec() const override { return job_->spec; }

 private:
  std::shared_ptr<PoolThread> worker_;
  std::shared_ptr<Job> job_;
  size_t depth_;
  std::shared_ptr<std::atomic<size_t>> running_;  // the pool's count (a handle may outlive it)
};

}  // namespace

struct CodecPool::Impl {
  std::vector<std::shared_ptr<PoolThread>> workers;
  size_t queueDepth = 8;
  size_t maxTranscodes = kDefaultMaxTranscodes;
  std::shared_ptr<std::atomic<size_t>> running = std::make_shared<std::atomic<size_t>>(0);
};

CodecPool::CodecPool(unsigned threads, size_t queueDepth, size_t maxTranscodes) : impl_(std::make_unique<Impl>()) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  impl_->queueDepth = std::max<size_t>(1, queueDepth);
  impl_->maxTranscodes = maxTranscodes;
  for (unsigned i = 0; i < threads; ++i) {
    auto worker = std::make_shared<PoolThread>();
    worker->thread = std::thread([w = worker.get()] { w->run(); });
    impl_->workers.push_back(std::move(worker));
  }
}

CodecPool::~CodecPool() {
  for (auto& w : impl_->workers) {
    std::lock_guard lock(w->mutex);
    w->stopping = true;
    w->wake.notify_one();
  }
  for (auto& w : impl_->workers) w->thread.join();
}

std::unique_ptr<TranscodeHandle> CodecPool::start(const TranscodeSpec& spec, Executor& deliver,
                                                  std::weak_ptr<TranscodeOutput> output) {
  // Workers on every media thread start transcodes: the cap is one atomic count.
  size_t now = impl_->running->load();
  do {
    if (now >= impl_->maxTranscodes) return nullptr;
  } while (!impl_->running->compare_exchange_weak(now, now + 1));
  // Pinned to the least loaded thread: a transcode's codec state never moves.
  std::shared_ptr<PoolThread> best;
  size_t bestLoad = SIZE_MAX;
  for (auto& w : impl_->workers) {
    std::lock_guard lock(w->mutex);
    if (w->jobs.size() < bestLoad) {
      bestLoad = w->jobs.size();
      best = w;
    }
  }
  auto job = std::make_shared<Job>(spec, deliver, std::move(output));
  {
    std::lock_guard lock(best->mutex);
    best->jobs.push_back(job);
    job->scheduled = true;
    best->ready.push_back(job);
    best->wake.notify_one();
  }
  return std::make_unique<Handle>(std::move(best), std::move(job), impl_->queueDepth, impl_->running);
}

unsigned CodecPool::threads() const noexcept {
  return static_cast<unsigned>(impl_->workers.size());
}

size_t CodecPool::running() const noexcept { return impl_->running->load(); }

}  // namespace rtcgate::codec
