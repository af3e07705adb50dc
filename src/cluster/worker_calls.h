#pragma once
// WorkerCalls: requests from the control thread to media workers, answered by completions
// posted back to the control thread. The control thread never waits: each request has a
// deadline, after which its caller gets the timeout answer and the request is abandoned.
// An abandoned request never takes effect on its worker: the worker skips it if it had not
// started it, or runs its undo right after it if it had (a worker runs its posts in order).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "net/event_loop.h"

namespace rtcgate::cluster {

class WorkerCalls {
 public:
  // Runs `fn` on the thread of the worker the poster posts to.
  using Post = std::function<void(std::function<void()>)>;

  explicit WorkerCalls(net::EventLoop& control) : control_(control) {}
  ~WorkerCalls() = default;
  WorkerCalls(const WorkerCalls&) = delete;
  WorkerCalls& operator=(const WorkerCalls&) = delete;

  // Runs `fn()` through `post` and hands its result to `done` on the control thread, or
  // `onTimeout` after `timeoutUs`; then `undo()` (if any) is posted when `fn` had run.
  template <typename T>
  void call(const Post& post, std::function<T()> fn, std::function<void()> undo, T onTimeout, int64_t timeoutUs,
            std::function<void(T)> done) {
    const uint64_t id = nextId_++;
    auto phase = std::make_shared<std::atomic<uint8_t>>(kPending);
    auto& entry = pending_[id];
    entry.timer = std::make_unique<net::Timer>(control_);
    entry.timer->startUs(timeoutUs, [this, id, phase, post, undo = std::move(undo), onTimeout = std::move(onTimeout)] {
      auto it = pending_.find(id);
      if (it == pending_.end()) return;
      auto answer = std::move(it->second.answer);
      pending_.erase(it);
      uint8_t expected = kPending;
      if (!phase->compare_exchange_strong(expected, kAbandoned) && undo) post(undo);
      ++timeouts_;
      answer(std::make_shared<T>(onTimeout));
    });
    entry.answer = [done = std::move(done)](std::shared_ptr<void> v) { done(std::move(*static_cast<T*>(v.get()))); };
    post([this, id, phase, fn = std::move(fn)] {
      uint8_t expected = kPending;
      if (!phase->compare_exchange_strong(expected, kRan)) return;  // abandoned before it started
      auto result = std::make_shared<T>(fn());
      control_.post([this, id, result] {
        auto it = pending_.find(id);
        if (it == pending_.end()) return;  // timed out meanwhile: its undo is posted
        auto answer = std::move(it->second.answer);
        it->second.timer->cancel();
        pending_.erase(it);
        answer(result);
      });
    });
  }

  // Runs `fn(i)` on worker i (through `postTo(i, ...)`) for i < n and hands the answers
  // that came within `waitUs` to `done` on the control thread (nullopt for a worker that
  // did not answer in time; its late answer is dropped).
  template <typename T>
  void gather(size_t n, const std::function<void(size_t, std::function<void()>)>& postTo, std::function<T(size_t)> fn,
              int64_t waitUs, std::function<void(std::vector<std::optional<T>>)> done) {
    const uint64_t id = nextId_++;
    auto results = std::make_shared<std::vector<std::optional<T>>>(n);
    auto& g = gathers_[id];
    g.remaining = n;
    g.put = [results](size_t i, std::shared_ptr<void> v) { (*results)[i] = std::move(*static_cast<T*>(v.get())); };
    g.finish = [results, done = std::move(done)] { done(std::move(*results)); };
    g.timer = std::make_unique<net::Timer>(control_);
    g.timer->startUs(waitUs, [this, id] { finishGather(id); });
    for (size_t i = 0; i < n; ++i) {
      postTo(i, [this, id, i, fn] {
        auto r = std::make_shared<T>(fn(i));
        control_.post([this, id, i, r] { putGather(id, i, r); });
      });
    }
    if (n == 0) finishGather(id);
  }

  size_t pending() const noexcept { return pending_.size() + gathers_.size(); }
  uint64_t timeouts() const noexcept { return timeouts_; }

 private:
  static constexpr uint8_t kPending = 0, kRan = 1, kAbandoned = 2;
  struct Entry {
    std::unique_ptr<net::Timer> timer;
    std::function<void(std::shared_ptr<void>)> answer;  // type-erased completion
  };

  struct GatherEntry {
    std::unique_ptr<net::Timer> timer;
    size_t remaining = 0;
    std::function<void(size_t, std::shared_ptr<void>)> put;
    std::function<void()> finish;
  };
  void putGather(uint64_t id, size_t index, std::shared_ptr<void> result) {
    auto it = gathers_.find(id);
    if (it == gathers_.end()) return;
    it->second.put(index, std::move(result));
    if (--it->second.remaining == 0) finishGather(id);
  }
  void finishGather(uint64_t id) {
    auto it = gathers_.find(id);
    if (it == gathers_.end()) return;
    auto finish = std::move(it->second.finish);
    it->second.timer->cancel();
    gathers_.erase(it);
    finish();
  }

  net::EventLoop& control_;
  std::map<uint64_t, GatherEntry> gathers_;
  uint64_t nextId_ = 1;
  uint64_t timeouts_ = 0;
  std::map<uint64_t, Entry> pending_;
};

}  // namespace rtcgate::cluster
