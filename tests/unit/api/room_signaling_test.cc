// Room signaling without sockets or media threads: fake WebSocket channels, workers that
// answer at once, a real Chromium offer.
#include "api/room_signaling.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/clock.h"
#include "cluster/local_directory.h"
#include "crypto/jwt/jwt_verifier.h"
#include "fake_workers.h"
#include "support/fixtures.h"

namespace rtcgate::api {
namespace {

using json = nlohmann::json;

// Records what the server sends and whether it closed the channel.
struct FakeChannel final : net::WebSocketChannel {
  bool send(std::string text) override {
    sent.push_back(json::parse(text));
    return true;
  }
  void close(net::CloseCode code, std::string_view reason) override {
    closedWith = static_cast<int>(code);
    closeReason = std::string(reason);
  }
  const SocketAddress& remote() const noexcept override { return address; }
  // Messages of `type` sent since the last take.
  std::vector<json> take(const std::string& type) {
    std::vector<json> out, rest;
    for (auto& m : sent) (m["type"] == type ? out : rest).push_back(std::move(m));
    sent = std::move(rest);
    return out;
  }
  std::vector<json> sent;
  int closedWith = 0;
  std::string closeReason;
  SocketAddress address;
};

class RoomSignalingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = crypto::dtls::Certificate::generate();
    ASSERT_TRUE(c.ok());
    cert_ = std::move(*c);
    rooms_ = std::make_unique<RoomSignaling>(loop_, directory_, workers_, config_, *cert_);
  }
  // A connected client: its channel and the listener the server gave it.
  struct Client {
    std::shared_ptr<FakeChannel> channel;
    net::WebSocketListener* listener = nullptr;
    void say(const json& m) const { listener->onMessage(m.dump()); }
    void sayRaw(std::string_view text) const { listener->onMessage(text); }
  };
  Client connect() {
    Client c{std::make_shared<FakeChannel>(), nullptr};
    net::HttpRequest req{net::HttpMethod::get, "/rooms/ws", 11};
    auto decision = rooms_->accept(req, "", c.channel);
    c.listener = std::get<net::WebSocketListener*>(decision);
    return c;
  }
  Client join(const std::string& name) {
    Client c = connect();
    c.say({{"type", "join"}, {"room", "r"}, {"name", name}});
    EXPECT_EQ(c.channel->take("joined").size(), 1u) << name;
    return c;
  }
  // Past the offer debounce, then one tick.
  void settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    rooms_->tick();
  }
  uint64_t errors(room::ErrorCode code) const { return rooms_->counters().errors[static_cast<size_t>(code)]; }

  net::EventLoop loop_{"t"};
  cluster::LocalDirectory directory_{2};
  testing::FakeWorkers workers_;
  ApiConfig config_;
  std::unique_ptr<crypto::dtls::Certificate> cert_;
  std::unique_ptr<RoomSignaling> rooms_;
};

TEST_F(RoomSignalingTest, JoinPublishAndTheOthersGetAnOffer) {
  Client a = join("a");
  Client b = join("b");
  EXPECT_EQ(a.channel->take("participantJoined").size(), 1u);
  a.say({{"type", "publish"},
         {"sdp", test::readTextFile("tests/fixtures/sdp/chromium-sendonly-offer.sdp")},
         {"tracks", {{{"mid", "0"}, {"source", "microphone"}}, {{"mid", "1"}, {"source", "camera"}}}}});
  auto answers = a.channel->take("publishAnswer");
  ASSERT_EQ(answers.size(), 1u) << (a.channel->sent.empty() ? "" : a.channel->sent.back().dump());
  EXPECT_NE(answers[0]["sdp"].get<std::string>().find("a=recvonly"), std::string::npos);
  ASSERT_EQ(workers_.started.size(), 1u);
  EXPECT_EQ(workers_.started[0].stream, "r/a");
  EXPECT_EQ(b.channel->take("trackPublished").size(), 2u);
  settle();
  auto offers = b.channel->take("offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["tracks"].size(), 2u);
  EXPECT_EQ(offers[0]["tracks"][1]["track"], "a/camera");
  EXPECT_NE(offers[0]["sdp"].get<std::string>().find("a=setup:actpass"), std::string::npos);
  EXPECT_TRUE(a.channel->take("offer").empty());  // a receives nothing yet
  // a leaves: b is told, a's session ends.
  a.say({{"type", "leave"}});
  EXPECT_EQ(b.channel->take("participantLeft").size(), 1u);
  EXPECT_EQ(b.channel->take("trackUnpublished").size(), 2u);
  ASSERT_FALSE(workers_.closed.empty());
  EXPECT_EQ(a.channel->closedWith, 1000);
}

// With JWT auth a join needs a token for the room (and for the name, when it has a sub); its
// grants decide whether the participant publishes and whether it receives the others.
TEST_F(RoomSignalingTest, JwtGrantsDecideWhatAParticipantMayDo) {
  const std::string secret = "room-signaling-test-secret-32-bytes";
  config_.access = cluster::AccessPolicy(
      {}, std::make_shared<const crypto::jwt::JwtVerifier>(std::vector{*crypto::jwt::hmacKey(secret)},
                                                           crypto::jwt::JwtVerifyOptions{}));
  const auto mint = [&](json c) {
    c["exp"] = unixTimeMs() / 1000 + 600;
    return *crypto::jwt::signToken(c.dump(), *crypto::jwt::hmacKey(secret));
  };
  const auto joinWith = [&](const std::string& name, const std::string& token) {
    Client c = connect();
    c.say({{"type", "join"}, {"room", "r"}, {"name", name}, {"token", token}});
    return c;
  };
  Client none = joinWith("x", "");
  auto errs = none.channel->take("error");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0]["code"], "unauthorized");
  EXPECT_EQ(errs[0]["message"], "a token is required");
  Client impostor = joinWith("mallory", mint({{"sub", "alice"}, {"room", "r"}, {"grants", {"publish"}}}));
  EXPECT_EQ(impostor.channel->take("error").size(), 1u);
  Client elsewhere = joinWith("alice", mint({{"room", "other"}, {"grants", {"publish"}}}));
  EXPECT_EQ(elsewhere.channel->take("error").size(), 1u);

  // A viewer: may not publish; a speaker: may not receive.
  Client viewer = joinWith("viewer", mint({{"sub", "viewer"}, {"room", "r"}, {"grants", {"subscribe"}}}));
  ASSERT_EQ(viewer.channel->take("joined").size(), 1u);
  Client speaker = joinWith("speaker", mint({{"room", "r*"}, {"grants", {"publish"}}}));
  ASSERT_EQ(speaker.channel->take("joined").size(), 1u);
  const json publish = {{"type", "publish"},
                        {"sdp", test::readTextFile("tests/fixtures/sdp/chromium-sendonly-offer.sdp")},
                        {"tracks", {{{"mid", "0"}, {"source", "microphone"}}, {{"mid", "1"}, {"source", "camera"}}}}};
  viewer.say(publish);
  errs = viewer.channel->take("error");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0]["code"], "unauthorized");
  EXPECT_TRUE(workers_.started.empty());
  speaker.say(publish);
  ASSERT_EQ(speaker.channel->take("publishAnswer").size(), 1u);
  Client both = joinWith("both", mint({{"room", "r"}, {"grants", {"publish", "subscribe"}}}));
  both.say(publish);
  ASSERT_EQ(both.channel->take("publishAnswer").size(), 1u);
  settle();
  EXPECT_EQ(viewer.channel->take("offer").size(), 1u);  // the viewer receives the others
  EXPECT_EQ(both.channel->take("offer").size(), 1u);
  EXPECT_TRUE(speaker.channel->take("offer").empty());  // tracks there are, but no subscribe grant
  speaker.say({{"type", "subscription"}, {"track", "both/camera"}, {"paused", true}});
  errs = speaker.channel->take("error");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0]["message"], "subscription: the token does not grant subscribe");
}

// A participant named after a stream some other client publishes (room "r" joined as "cam"
// while a WHIP client publishes "r/cam") used to replace that publisher.
TEST_F(RoomSignalingTest, APublishDoesNotTakeOverAnotherClientsStream) {
  directory_.addPublisher({"whip1", sfu::SessionKind::kPublisher, "r/cam", 0, "", "u"}, {});
  Client a = join("cam");
  const json publish = {{"type", "publish"},
                        {"sdp", test::readTextFile("tests/fixtures/sdp/chromium-sendonly-offer.sdp")},
                        {"tracks", {{{"mid", "0"}, {"source", "microphone"}}, {{"mid", "1"}, {"source", "camera"}}}}};
  a.say(publish);
  auto errs = a.channel->take("error");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0]["code"], "unauthorized");
  EXPECT_TRUE(workers_.started.empty());
  EXPECT_EQ(directory_.stream("r/cam")->publisherId, "whip1");
  // Its own stream it may publish again (a new PeerConnection replaces its first one).
  Client b = join("b");
  b.say(publish);
  ASSERT_EQ(b.channel->take("publishAnswer").size(), 1u);
  b.say(publish);
  EXPECT_EQ(b.channel->take("publishAnswer").size(), 1u);
  EXPECT_TRUE(b.channel->take("error").empty());
}

TEST_F(RoomSignalingTest, BadSignalingGetsAnErrorAndHarmsNobody) {
  Client a = join("a");
  Client b = join("b");
  a.channel->sent.clear();
  b.channel->sent.clear();
  a.sayRaw("not json");
  a.say({{"type", "dance"}, {"rid", "7"}});
  a.say({{"type", "join"}, {"room", "r"}, {"name", "again"}});
  a.say({{"type", "answer"}, {"negotiation", 3}, {"sdp", "v=0"}});
  a.say({{"type", "publish"}, {"sdp", "garbage"}, {"tracks", json::array()}});
  a.say({{"type", "mute"}, {"source", "screen"}, {"muted", true}});
  const auto errs = a.channel->take("error");
  ASSERT_EQ(errs.size(), 6u);
  EXPECT_EQ(errs[0]["code"], "bad_json");
  EXPECT_EQ(errs[1]["code"], "unknown_type");
  EXPECT_EQ(errs[1]["rid"], "7");
  EXPECT_EQ(errs[2]["code"], "already_joined");
  EXPECT_EQ(errs[3]["code"], "no_offer");
  EXPECT_EQ(errs[4]["code"], "sdp_rejected");
  EXPECT_EQ(errs[5]["code"], "bad_message");
  EXPECT_EQ(errors(room::ErrorCode::kBadJson), 1u);
  EXPECT_EQ(errors(room::ErrorCode::kNoOffer), 1u);
  EXPECT_EQ(a.channel->closedWith, 0);  // still connected
  EXPECT_TRUE(b.channel->sent.empty());  // b saw none of it
  EXPECT_EQ(rooms_->counters().participants, 2u);
}

TEST_F(RoomSignalingTest, MessagesBeforeJoiningAreRefused) {
  Client c = connect();
  c.say({{"type", "mute"}, {"source", "camera"}, {"muted", true}});
  EXPECT_EQ(c.channel->take("error")[0]["code"], "not_joined");
  c.say({{"type", "ping"}});
  EXPECT_EQ(c.channel->take("pong").size(), 1u);
}

TEST_F(RoomSignalingTest, AFloodOfMessagesClosesTheConnection) {
  Client a = join("a");
  for (uint32_t i = 0; i < RoomSignaling::kMessagesPerSecond + 5; ++i) a.say({{"type", "ping"}});
  EXPECT_EQ(a.channel->closedWith, 1008);
  EXPECT_GE(errors(room::ErrorCode::kRateLimited), 1u);
}

TEST_F(RoomSignalingTest, ASecondJoinWithTheSameNameReplacesTheFirst) {
  Client a1 = join("a");
  Client a2 = join("a");
  EXPECT_EQ(a1.channel->take("left")[0]["reason"], "replaced");
  EXPECT_EQ(a1.channel->closedWith, 1000);
  EXPECT_EQ(rooms_->counters().participants, 1u);
}

TEST_F(RoomSignalingTest, ClosedWithoutLeavingStaysUntilResumedOrExpired) {
  config_.roomGraceUs = 100'000;
  Client a = join("a");
  Client b = join("b");
  a.channel->sent.clear();
  b.listener->onClosed(1006, "");
  rooms_->tick();
  EXPECT_TRUE(a.channel->take("participantLeft").empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  rooms_->tick();
  EXPECT_EQ(a.channel->take("participantLeft")[0]["reason"], "timeout");
}

TEST_F(RoomSignalingTest, AResumeWithTheSecretKeepsTheParticipant) {
  Client a = join("a");
  Client b = connect();
  b.say({{"type", "join"}, {"room", "r"}, {"name", "b"}});
  const json resume = b.channel->take("joined")[0]["resume"];
  a.channel->sent.clear();
  b.listener->onClosed(1006, "");
  Client b2 = connect();
  b2.say({{"type", "join"}, {"room", "r"}, {"name", "b"}, {"resume", {{"participant", "b"}, {"secret", "wrong"}}}});
  EXPECT_EQ(b2.channel->take("error")[0]["code"], "unauthorized");
  Client b3 = connect();
  b3.say({{"type", "join"}, {"room", "r"}, {"name", "b"}, {"resume", resume}});
  EXPECT_EQ(b3.channel->take("joined").size(), 1u);
  EXPECT_TRUE(a.channel->sent.empty());  // a saw neither a leave nor a join
}

TEST_F(RoomSignalingTest, TheJoinAnswerNamesTheTurnServerWithACredential) {
  Client plain = connect();
  plain.say({{"type", "join"}, {"room", "r"}, {"name", "a"}});
  EXPECT_TRUE(plain.channel->take("joined")[0]["iceServers"].empty());  // no TURN server configured
  config_.turn.enabled = true;
  config_.turn.host = "192.0.2.10";
  config_.turn.port = 3478;
  config_.turn.secret = "s3cret";
  Client c = connect();
  c.say({{"type", "join"}, {"room", "r"}, {"name", "b"}});
  const json servers = c.channel->take("joined")[0]["iceServers"];
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0]["urls"], json({"turn:192.0.2.10:3478?transport=udp", "turn:192.0.2.10:3478?transport=tcp"}));
  EXPECT_TRUE(servers[0]["username"].is_string());
  EXPECT_TRUE(servers[0]["credential"].is_string());
}

TEST_F(RoomSignalingTest, SpeakersAreRankedLoudestFirst) {
  Client a = join("a");
  Client b = join("b");
  Client c = join("c");
  workers_.levels = {{"r/a", 0.02f}, {"r/b", 0.3f}, {"r/c", 0.0001f}, {"r/b.screen", 0.9f}};
  a.channel->sent.clear();
  rooms_->tick();
  const auto speakers = a.channel->take("speakers");
  ASSERT_EQ(speakers.size(), 1u);
  ASSERT_EQ(speakers[0]["speakers"].size(), 2u);
  EXPECT_EQ(speakers[0]["speakers"][0]["participant"], "b");
  EXPECT_EQ(speakers[0]["speakers"][1]["participant"], "a");
}

TEST_F(RoomSignalingTest, AdminKickAndEnd) {
  Client a = join("a");
  Client b = join("b");
  EXPECT_EQ(rooms_->listRooms()[0]["participants"], 2);
  EXPECT_TRUE(rooms_->kick("r", "b"));
  EXPECT_EQ(b.channel->take("left")[0]["reason"], "kicked");
  EXPECT_FALSE(rooms_->kick("r", "nobody"));
  ASSERT_TRUE(rooms_->describeRoom("r"));
  EXPECT_TRUE(rooms_->endRoom("r"));
  EXPECT_EQ(a.channel->take("left")[0]["reason"], "room ended");
  EXPECT_EQ(rooms_->counters().rooms, 0u);
}

}  // namespace
}  // namespace rtcgate::api
