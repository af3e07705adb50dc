// The control thread never waits on a media worker: with one worker held busy for seconds,
// a flood of admin API requests is answered (with the busy worker's last snapshot), the
// control loop keeps its timers on time, and a cheap route answers at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/admin_handler.h"
#include "api/health_handler.h"
#include "api/http_util.h"
#include "cluster/local_directory.h"
#include "cluster/worker.h"
#include "cluster/worker_pool.h"
#include "crypto/dtls/certificate.h"
#include "net/event_loop.h"

namespace rtcgate::api {
namespace {

struct NoObserver : cluster::WorkerObserver {
  void onSessionEnded(unsigned, const std::string&, const std::string&) override {}
  void onFrameSourceEnded(unsigned, const std::string&, const std::string&) override {}
};

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TEST(ControlResponsiveness, ABusyWorkerStallsNothingElse) {
  auto cert = crypto::dtls::Certificate::generate();
  ASSERT_TRUE(cert.ok());
  std::shared_ptr<const crypto::dtls::Certificate> shared(std::move(*cert));
  NoObserver observer;
  net::EventLoop control("control");
  cluster::WorkerPool workers(control);
  for (unsigned i = 0; i < 2; ++i) {
    auto w = std::make_unique<cluster::Worker>(i, shared, observer);
    ASSERT_TRUE(w->start(*SocketAddress::parse("127.0.0.1", 0)).ok());
    workers.add(std::move(w));
  }
  cluster::LocalDirectory directory(2);
  AdminHandler admin(directory, workers);
  HealthHandler health;

  // Worker 0 is busy for 3 s (a long codec call, a slow disk, a bug).
  std::atomic<bool> release{false};
  workers.worker(0).post([&release] {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!release && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // it is stalled now

  constexpr int kRequests = 300;
  int answered = 0;
  int64_t longestCallUs = 0, longestAnswerUs = 0, worstTimerLateUs = 0;
  int64_t healthUs = -1;
  const int64_t start = nowUs();
  // A 10 ms timer on the control loop: how late it fires says whether the loop was blocked.
  net::Timer ticker(control);
  int64_t expected = start + 10'000;
  std::function<void()> tick = [&] {
    worstTimerLateUs = std::max(worstTimerLateUs, nowUs() - expected);
    expected = nowUs() + 10'000;
    ticker.startUs(10'000, tick);
  };
  ticker.startUs(10'000, tick);
  control.post([&] {
    for (int i = 0; i < kRequests; ++i) {
      const char* path = i % 3 == 0 ? "/api/sessions" : i % 3 == 1 ? "/api/streams" : "/api/sessions";
      net::HttpRequest r{http::verb::get, path, 11};
      const int64_t sent = nowUs();
      admin.handle(r, std::string_view(path).substr(5), net::HttpReply([&, sent](net::HttpResponse res) {
                     EXPECT_EQ(res.result(), http::status::ok);
                     longestAnswerUs = std::max(longestAnswerUs, nowUs() - sent);
                     if (++answered == kRequests) control.stop();
                   }, 11, true));
      longestCallUs = std::max(longestCallUs, nowUs() - sent);
    }
    net::HttpRequest h{http::verb::get, "/healthz", 11};
    const int64_t sent = nowUs();
    health.handle(h, "", net::HttpReply([&, sent](net::HttpResponse) { healthUs = nowUs() - sent; }, 11, true));
  });
  std::atomic<bool> finished{false};
  std::thread guard([&] {  // a broken run still ends
    for (int i = 0; i < 1000 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!finished) control.stop();
  });
  control.runHere();
  finished = true;
  release = true;
  guard.join();
  ticker.cancel();
  std::printf("# answered %d/%d, longest handler call %lld us, longest answer %lld ms, control timer late by "
              "at most %lld ms, /healthz %lld us\n",
              answered, kRequests, static_cast<long long>(longestCallUs), static_cast<long long>(longestAnswerUs / 1000),
              static_cast<long long>(worstTimerLateUs / 1000), static_cast<long long>(healthUs));
  EXPECT_EQ(answered, kRequests);
  EXPECT_LT(longestCallUs, 20'000) << "a handler call waited";
  // Answers come within the snapshot wait (the busy worker's last snapshot stands in), not after 3 s.
  EXPECT_LT(longestAnswerUs, cluster::WorkerPool::kSnapshotWaitUs + 500'000);
  EXPECT_LT(worstTimerLateUs, 100'000);
  EXPECT_GE(healthUs, 0);
  EXPECT_LT(healthUs, 20'000);
  workers.stopAll();
}

}  // namespace
}  // namespace rtcgate::api
