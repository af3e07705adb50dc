// The control plane with real media workers, the HTTP server and the RTMP server on
// 127.0.0.1: a worker made to stall never holds up the control thread, and a setup that
// its worker answers after the control side gave up leaves nothing behind.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "api/admin_handler.h"
#include "api/health_handler.h"
#include "api/whip_handler.h"
#include "cluster/local_directory.h"
#include "cluster/worker_pool.h"
#include "edge/rtmp_egress.h"
#include "edge/rtmp_server.h"
#include "net/http_server.h"
#include "net/loop_executor.h"
#include "support/fixtures.h"

namespace rtcgate::app {
namespace {

using cluster::Worker;
using cluster::WorkerObserver;
using edge::RtmpEgress;
using edge::RtmpEgressListener;
using edge::RtmpEgressOptions;
using edge::RtmpEgressState;
using edge::RtmpEgressStatus;

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

struct Reply {
  http::status status;
  std::string body;
  Clock::duration took;
};

// One blocking HTTP/1.1 exchange from the test thread.
Reply httpCall(uint16_t port, http::verb method, const std::string& target, std::string body = "",
               std::string type = "") {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!type.empty()) req.set(http::field::content_type, type);
  req.body() = std::move(body);
  req.prepare_payload();
  const auto start = Clock::now();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result(), res.body(), Clock::now() - start};
}

// Sessions that end on a worker leave the directory (as the gateway wires it).
struct Observer final : WorkerObserver {
  net::EventLoop& control;
  cluster::Directory& registry;
  Observer(net::EventLoop& c, cluster::Directory& r) : control(c), registry(r) {}
  void onSessionEnded(unsigned, const std::string& id, const std::string&) override {
    control.post([this, id] { registry.remove(id); });
  }
  void onFrameSourceEnded(unsigned, const std::string&, const std::string&) override {}
};

struct NoEvents : RtmpEgressListener {
  void onEgressNeedsKeyframe() override {}
  void onEgressStateChanged(const RtmpEgressStatus&) override {}
};

class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    auto c = crypto::dtls::Certificate::generate();
    ASSERT_TRUE(c.ok());
    cert = std::shared_ptr<const crypto::dtls::Certificate>(std::move(*c));
    for (unsigned i = 0; i < 2; ++i) {
      auto w = std::make_unique<Worker>(i, cert, observer);
      ASSERT_TRUE(w->start(*SocketAddress::parse("127.0.0.1", 0)).ok());
      pool.add(std::move(w));
    }
    whip = std::make_unique<api::WhipHandler>(api::WhipHandler::Mode::kWhip, registry, pool, apiConfig, *cert);
    admin = std::make_unique<api::AdminHandler>(registry, pool);
    server.route(net::HttpMethod::get, "/healthz", health);
    server.routeAnyMethod("/whip/", *whip);
    server.routeAnyMethod("/api/", *admin);
    ASSERT_TRUE(server.listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
    rtmp = std::make_unique<edge::RtmpServer>(control, executor, registry, pool, edge::RtmpServerOptions{});
    ASSERT_TRUE(rtmp->listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
    control.start();
    clientLoop.start();
  }
  void TearDown() override {
    onControl([&] {
      server.close();
      rtmp->closeAll("test over");
    });
    clientLoop.stop();
    control.stop();
    pool.stopAll();
  }

  template <typename Fn>
  auto onControl(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    control.post([&task] { task(); });
    return result.get();
  }
  // Makes worker `index` busy for `d` (as a worker wedged in a slow call would be).
  void stall(unsigned index, std::chrono::milliseconds d) {
    pool.worker(index).post([d] { std::this_thread::sleep_for(d); });
  }
  // What a worker holds now, asked on the control thread and answered by a completion.
  size_t workerSessions(unsigned index) {
    std::promise<size_t> n;
    control.post([&] {
      pool.sessions([&, index](std::vector<sfu::SessionInfo> all) {
        size_t count = 0;
        for (const auto& s : all) count += s.worker == index;
        n.set_value(count);
      });
    });
    return n.get_future().get();
  }
  Reply publish(const std::string& stream) {
    return httpCall(server.localAddress().port(), http::verb::post, "/whip/" + stream,
                    test::readTextFile("tests/fixtures/sdp/chromium-sendonly-offer.sdp"), "application/sdp");
  }
  std::string rtmpUrl(const std::string& key) const {
    return "rtmp://127.0.0.1:" + std::to_string(rtmp->localAddress().port()) + "/live/" + key;
  }
  // An RTMP publisher on the client loop; true once it is publishing.
  bool rtmpPublishes(const std::string& key, std::chrono::milliseconds within) {
    RtmpEgressOptions o;
    o.initialBackoffMs = 60'000;  // one attempt
    NoEvents events;
    std::unique_ptr<RtmpEgress> client;
    std::promise<void> made;
    clientLoop.post([&] {
      client = std::make_unique<RtmpEgress>(clientLoop, rtmpUrl(key), events, o);
      client->start();
      made.set_value();
    });
    made.get_future().wait();
    const auto deadline = Clock::now() + within;
    bool publishing = false;
    while (!publishing && Clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      std::promise<bool> p;
      clientLoop.post([&] { p.set_value(client->state() == RtmpEgressState::kPublishing); });
      publishing = p.get_future().get();
    }
    std::promise<void> gone;
    clientLoop.post([&] {
      client->stop();
      client.reset();
      gone.set_value();
    });
    gone.get_future().wait();
    return publishing;
  }

  net::EventLoop control{"control"};
  net::EventLoop clientLoop{"rtmp-client"};
  net::LoopExecutor executor{control};
  cluster::LocalDirectory registry{2};
  Observer observer{control, registry};
  std::shared_ptr<const crypto::dtls::Certificate> cert;
  cluster::WorkerPool pool{control};
  api::ApiConfig apiConfig;
  net::HttpServer server{control};
  api::HealthHandler health;
  std::unique_ptr<api::WhipHandler> whip;
  std::unique_ptr<api::AdminHandler> admin;
  std::unique_ptr<edge::RtmpServer> rtmp;
};

TEST_F(ControlPlaneTest, StalledWorkerHoldsUpNothingElse) {
  const uint16_t port = server.localAddress().port();
  ASSERT_EQ(publish("a").status, http::status::created);  // worker 0 (least loaded)
  ASSERT_EQ(httpCall(port, http::verb::get, "/api/streams").status, http::status::ok);

  stall(0, 3000ms);
  std::this_thread::sleep_for(80ms);  // the worker has not ticked for longer than kStalledAfterUs
  const Reply healthz = httpCall(port, http::verb::get, "/healthz");
  const Reply streams = httpCall(port, http::verb::get, "/api/streams");
  const Reply other = publish("b");  // worker 1, the least loaded now
  std::printf("# stalled worker: /healthz %lld ms, /api/streams %lld ms, WHIP POST on the other worker %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(healthz.took).count()),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(streams.took).count()),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(other.took).count()));
  EXPECT_EQ(healthz.status, http::status::ok);
  EXPECT_LT(healthz.took, 100ms);
  EXPECT_EQ(streams.status, http::status::ok);
  EXPECT_LT(streams.took, 100ms);
  // The stalled worker's streams are listed from its last snapshot.
  EXPECT_NE(streams.body.find("\"name\":\"a\""), std::string::npos) << streams.body;
  EXPECT_EQ(other.status, http::status::created) << other.body;
  EXPECT_LT(other.took, 100ms);
}

TEST_F(ControlPlaneTest, WhipSetupTheWorkerAnswersTooLateLeavesNothingBehind) {
  pool.setChangeTimeoutUs(300'000);
  stall(0, 1000ms);
  std::this_thread::sleep_for(20ms);
  const Reply late = publish("c");  // worker 0: stalled
  EXPECT_EQ(late.status, http::status::service_unavailable) << late.body;
  EXPECT_LT(late.took, 900ms);
  EXPECT_EQ(onControl([&] { return registry.stream("c") == nullptr; }), true);
  std::this_thread::sleep_for(1000ms);  // the stall is over; the worker went through its queue
  EXPECT_EQ(workerSessions(0), 0u);
  // The name is free: the next publisher is not refused with 409.
  EXPECT_EQ(publish("c").status, http::status::created);
  EXPECT_EQ(workerSessions(0), 1u);
}

TEST_F(ControlPlaneTest, RtmpPublishTheWorkerAnswersTooLateLeavesNothingBehind) {
  pool.setChangeTimeoutUs(300'000);
  stall(0, 1500ms);
  stall(1, 1500ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(rtmpPublishes("k1", 1000ms));  // refused after the control side gave up
  EXPECT_EQ(onControl([&] { return registry.stream("k1") == nullptr && registry.sessionCount() == 0; }), true);
  std::this_thread::sleep_for(700ms);  // both workers are through their queues
  EXPECT_EQ(workerSessions(0) + workerSessions(1), 0u);
  EXPECT_EQ(onControl([&] { return pool.pendingCalls(); }), 0u);
  // The stream name is free again.
  EXPECT_TRUE(rtmpPublishes("k1", 2000ms));
}

}  // namespace
}  // namespace rtcgate::app
