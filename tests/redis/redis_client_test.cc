#include "net/redis_client.h"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <optional>

#include "redis/loop_helper.h"
#include "support/redis_server.h"

namespace rtcgate::net {
namespace {

using test::eventually;
using test::onLoop;

RedisEndpoint endpointOf(const test::RedisServer& server) { return {"127.0.0.1", server.port(), "", 0}; }

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server.start()) << "redis-server did not start (is it installed?)";
    loop.start();
  }
  void TearDown() override {
    if (client) onLoop(loop, [&] { client.reset(); });
    loop.stop();
  }
  void startClient(RedisClientOptions options = {}) {
    onLoop(loop, [&] {
      client = std::make_unique<RedisClient>(loop, endpointOf(server), options);
      client->start();
    });
    ASSERT_TRUE(eventually(loop, [&] { return client->connected(); }));
  }
  // One command, waited for.
  RedisReply run(std::vector<std::string> args) {
    std::promise<RedisReply> p;
    auto f = p.get_future();
    loop.post([&] { client->command(args, [&](const RedisReply& r) { p.set_value(r); }); });
    return f.get();
  }

  test::RedisServer server;
  EventLoop loop{"redis-test"};
  std::unique_ptr<RedisClient> client;
};

TEST(RedisUrl, ParsesHostPortPasswordAndDatabase) {
  auto e = parseRedisUrl("redis://127.0.0.1:6380");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 6380);
  e = parseRedisUrl("redis://:s3cret@redis.internal/2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "redis.internal");
  EXPECT_EQ(e->port, 6379);
  EXPECT_EQ(e->password, "s3cret");
  EXPECT_EQ(e->db, 2u);
  e = parseRedisUrl("redis://user:pw@[::1]:7000");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 7000);
  std::string why;
  EXPECT_FALSE(parseRedisUrl("http://127.0.0.1", &why).ok());
  EXPECT_NE(why, "");
  EXPECT_FALSE(parseRedisUrl("redis://", &why).ok());
  EXPECT_FALSE(parseRedisUrl("redis://h:0", &why).ok());
  EXPECT_FALSE(parseRedisUrl("redis://h:99999", &why).ok());
  EXPECT_FALSE(parseRedisUrl("redis://h:6379/x", &why).ok());
  EXPECT_FALSE(parseRedisUrl("redis://h:6379/16", &why).ok());
}

TEST_F(RedisClientTest, CommandsAreBinarySafeAndRepliesTyped) {
  startClient();
  const std::string value("a\0b\r\nc", 6);
  EXPECT_EQ(run({"SET", "k", value}).str, "OK");
  const auto got = run({"GET", "k"});
  EXPECT_EQ(got.type, RedisReply::Type::kString);
  EXPECT_EQ(got.str, value);
  EXPECT_TRUE(run({"GET", "missing"}).isNil());
  EXPECT_EQ(run({"INCR", "n"}).integer, 1);
  run({"SADD", "s", "x", "y"});
  const auto members = run({"SMEMBERS", "s"});
  ASSERT_EQ(members.type, RedisReply::Type::kArray);
  EXPECT_EQ(members.elements.size(), 2u);
  const auto err = run({"NOSUCHCOMMAND"});
  EXPECT_FALSE(err.ok());
  EXPECT_NE(err.str.find("unknown command"), std::string::npos);
}

TEST_F(RedisClientTest, FailsAtOnceWhileDownAndReconnectsWhenTheServerIsBack) {
  startClient({.replyTimeoutUs = 1'000'000, .minBackoffUs = 50'000, .maxBackoffUs = 200'000});
  int downs = 0, ups = 0;
  onLoop(loop, [&] { client->setStateListener([&](bool up) { up ? ++ups : ++downs; }); });
  server.stop();
  ASSERT_TRUE(eventually(loop, [&] { return !client->connected(); }));
  const auto refused = run({"PING"});
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.str.find("redis"), std::string::npos);
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(eventually(loop, [&] { return client->connected(); }));
  EXPECT_EQ(run({"PING"}).str, "PONG");
  EXPECT_EQ(onLoop(loop, [&] { return downs; }), 1);
  EXPECT_EQ(onLoop(loop, [&] { return ups; }), 1);
}

TEST_F(RedisClientTest, AStoppedServerIsDroppedAfterTheReplyDeadline) {
  startClient({.replyTimeoutUs = 500'000, .minBackoffUs = 50'000, .maxBackoffUs = 200'000});
  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  std::optional<RedisReply> reply;
  const auto sent = std::chrono::steady_clock::now();
  onLoop(loop, [&] { client->command({"PING"}, [&](const RedisReply& r) { reply = r; }); });
  ASSERT_TRUE(eventually(loop, [&] { return reply.has_value(); }, std::chrono::seconds(3)));
  EXPECT_FALSE(reply->ok());
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(2));
  EXPECT_FALSE(onLoop(loop, [&] { return client->connected(); }));
  ASSERT_EQ(::kill(server.pid(), SIGCONT), 0);
  ASSERT_TRUE(eventually(loop, [&] { return client->connected(); }));
  EXPECT_EQ(run({"PING"}).str, "PONG");
}

TEST_F(RedisClientTest, NoCallbackRunsAfterStop) {
  startClient();
  int answered = 0;
  onLoop(loop, [&] {
    for (int i = 0; i < 100; ++i) client->command({"PING"}, [&](const RedisReply&) { ++answered; });
    client->stop();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(onLoop(loop, [&] { return answered; }), 0);
}

TEST(RedisClientNoServer, CommandsFailAndConnectIsRetried) {
  test::RedisServer server;  // a free port nobody listens on
  EventLoop loop{"redis-test"};
  loop.start();
  std::unique_ptr<RedisClient> client;
  onLoop(loop, [&] {
    client = std::make_unique<RedisClient>(loop, RedisEndpoint{"127.0.0.1", server.port(), "", 0},
                                           RedisClientOptions{.minBackoffUs = 50'000, .maxBackoffUs = 100'000});
    client->start();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::optional<RedisReply> reply;
  onLoop(loop, [&] { client->command({"PING"}, [&](const RedisReply& r) { reply = r; }); });
  ASSERT_TRUE(reply.has_value());  // answered at once
  EXPECT_FALSE(reply->ok());
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(eventually(loop, [&] { return client->connected(); }));
  onLoop(loop, [&] { client.reset(); });
  loop.stop();
}

}  // namespace
}  // namespace rtcgate::net
