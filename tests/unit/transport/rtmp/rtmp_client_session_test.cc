// Drives RtmpClientSession against RtmpServerSession in memory: each side's bytes are fed
// to the other in odd-sized pieces, as TCP would deliver them.
#include "transport/rtmp/rtmp_client_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "transport/rtmp/rtmp_server_session.h"
#include "wire/rtmp/amf0_command.h"
#include "wire/rtmp/chunk_reader.h"
#include "wire/rtmp/chunk_writer.h"
#include "wire/rtmp/handshake.h"
#include "wire/rtmp/protocol_control.h"

namespace rtcgate::transport::rtmp {
namespace {

using namespace rtcgate::wire::rtmp;

struct Media {
  uint32_t ts;
  std::vector<uint8_t> body;
};

// The server's side: records what the publisher delivered, accepts one key.
struct ServerSide : RtmpServerSessionListener {
  std::vector<uint8_t> out;
  std::vector<std::string> publishes, closes;
  std::vector<Amf0Value> metadata;
  std::vector<Media> video, audio;
  RtmpDecision decision = RtmpDecision::kAccept;

  void onRtmpSend(std::span<const uint8_t> b) override { out.insert(out.end(), b.begin(), b.end()); }
  RtmpDecision onRtmpPublish(std::string_view app, std::string_view key) override {
    publishes.push_back(std::string(app) + "/" + std::string(key));
    return decision;
  }
  RtmpDecision onRtmpPlay(std::string_view, std::string_view) override { return RtmpDecision::kReject; }
  void onRtmpMetadata(const Amf0Value& m) override { metadata.push_back(m); }
  void onRtmpVideo(uint32_t ts, std::span<const uint8_t> b) override { video.push_back({ts, {b.begin(), b.end()}}); }
  void onRtmpAudio(uint32_t ts, std::span<const uint8_t> b) override { audio.push_back({ts, {b.begin(), b.end()}}); }
  void onRtmpClosed(std::string_view reason) override { closes.emplace_back(reason); }
};

// The client's side: outgoing bytes, events.
struct ClientSide : RtmpClientSessionListener {
  std::vector<uint8_t> out;
  std::vector<uint8_t> all;  // every byte ever sent, for the tap
  int publishing = 0;
  std::vector<std::string> closes;
  void onRtmpClientSend(std::span<const uint8_t> b) override {
    out.insert(out.end(), b.begin(), b.end());
    all.insert(all.end(), b.begin(), b.end());
  }
  void onRtmpClientPublishing() override { ++publishing; }
  void onRtmpClientClosed(std::string_view reason) override { closes.emplace_back(reason); }
};

RtmpClientConfig clientConfig(std::string app = "live") {
  RtmpClientConfig c;
  c.app = app;
  c.tcUrl = "rtmp://127.0.0.1:1935/" + app;
  c.streamKey = "key?token=1";
  return c;
}

class RtmpClientSessionTest : public ::testing::TestWithParam<size_t> {
 protected:
  ServerSide srv;
  ClientSide cli;
  RtmpServerConfig serverConfig;
  std::unique_ptr<RtmpServerSession> server;
  std::unique_ptr<RtmpClientSession> client;
  // Writes extra messages "from the server" on a chunk stream the server never uses.
  ChunkWriter injector;

  // The injector chunks like the server, which announced its chunk size at connect.
  void SetUp() override {
    serverConfig.windowAckSize = 8192;
    ASSERT_TRUE(injector.setChunkSize(serverConfig.outChunkSize).ok());
  }

  void create(RtmpClientConfig config = clientConfig()) {
    server = std::make_unique<RtmpServerSession>(serverConfig, srv, 1000, std::span<const uint8_t>());
    client = std::make_unique<RtmpClientSession>(std::move(config), cli, 7, std::span<const uint8_t>());
    client->start();
  }

  // Feeds `bytes` to `feed` in pieces of the test's split size (0 = all at once).
  template <typename Fn>
  void deliver(std::vector<uint8_t>& bytes, Fn feed) {
    std::vector<uint8_t> take;
    take.swap(bytes);
    const size_t step = GetParam() == 0 ? take.size() : GetParam();
    for (size_t pos = 0; pos < take.size(); pos += step) {
      feed(std::span<const uint8_t>(take).subspan(pos, std::min(step, take.size() - pos)));
    }
  }

  // Moves bytes both ways until both sides are quiet.
  void pump() {
    for (int i = 0; i < 100 && (!cli.out.empty() || !srv.out.empty()); ++i) {
      deliver(cli.out, [&](std::span<const uint8_t> b) { server->onBytes(b); });
      deliver(srv.out, [&](std::span<const uint8_t> b) { client->onBytes(b); });
    }
  }

  void publish() {
    create();
    pump();
    ASSERT_EQ(client->state(), RtmpClientState::kPublishing) << client->closeReason();
    ASSERT_EQ(server->state(), RtmpSessionState::kPublishing) << server->closeReason();
  }

  void inject(MessageType type, std::span<const uint8_t> payload) {
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(injector.append({10, 0, static_cast<uint8_t>(type), 0}, payload, bytes).ok());
    deliver(bytes, [&](std::span<const uint8_t> b) { client->onBytes(b); });
  }

  // Every message the client sent after the handshake (C0+C1+C2), parsed back.
  std::vector<Message> tapped(std::vector<std::vector<uint8_t>>& store) {
    ChunkReader reader;
    std::span<const uint8_t> in(cli.all);
    in = in.subspan(1 + 2 * Handshake::kPacketSize);
    std::vector<Message> out;
    while (!in.empty()) {
      auto m = reader.read(in);
      EXPECT_TRUE(m.ok());
      if (!m.ok()) break;
      if (*m) {
        store.emplace_back((*m)->payload.begin(), (*m)->payload.end());
        out.push_back(**m);
      }
    }
    for (size_t i = 0; i < out.size(); ++i) out[i].payload = store[i];
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(Splits, RtmpClientSessionTest, ::testing::Values(0, 1, 7, 1000));

TEST_P(RtmpClientSessionTest, PublishIsAccepted) {
  publish();
  EXPECT_EQ(cli.publishing, 1);
  ASSERT_EQ(srv.publishes.size(), 1u);
  EXPECT_EQ(srv.publishes[0], "live/key?token=1");
  EXPECT_EQ(client->streamId(), RtmpServerSession::kStreamId);
  EXPECT_TRUE(cli.closes.empty());
  EXPECT_TRUE(srv.closes.empty());
  // Our Set Chunk Size and connect came first, in that order.
  std::vector<std::vector<uint8_t>> store;
  const auto msgs = tapped(store);
  ASSERT_GE(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].type(), MessageType::kSetChunkSize);
  EXPECT_EQ(SetChunkSize::parse(msgs[0].payload)->chunkSize, 4096u);
  auto connect = Command::parse(msgs[1].payload);
  ASSERT_TRUE(connect.ok());
  EXPECT_EQ(connect->name, "connect");
  EXPECT_EQ(connect->commandObject.find("flashVer")->asString(), "FMLE/3.0 (compatible; rtcgate)");
  EXPECT_EQ(connect->commandObject.find("tcUrl")->asString(), "rtmp://127.0.0.1:1935/live");
  EXPECT_EQ(connect->commandObject.find("type")->asString(), "nonprivate");
}

TEST_P(RtmpClientSessionTest, PublishRejectedClosesWithServerReason) {
  srv.decision = RtmpDecision::kReject;
  create();
  pump();
  EXPECT_EQ(client->state(), RtmpClientState::kClosed);
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_NE(cli.closes[0].find("publish rejected"), std::string::npos) << cli.closes[0];
  EXPECT_NE(cli.closes[0].find("NetStream.Publish.BadName"), std::string::npos) << cli.closes[0];
  EXPECT_NE(cli.closes[0].find("Stream key rejected"), std::string::npos) << cli.closes[0];
  EXPECT_EQ(cli.publishing, 0);
}

TEST_P(RtmpClientSessionTest, ConnectRejectedForUnknownApp) {
  create(clientConfig("nope"));
  pump();
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_NE(cli.closes[0].find("connect rejected"), std::string::npos) << cli.closes[0];
  EXPECT_TRUE(srv.publishes.empty());
}

TEST_P(RtmpClientSessionTest, MediaAndMetadataArriveWithTimestamps) {
  publish();
  Amf0Value meta = Amf0Value::object();
  meta.set("width", Amf0Value::number(640)).set("videocodecid", Amf0Value::number(7));
  ASSERT_TRUE(client->sendMetadata(meta).ok());
  std::vector<uint8_t> key(10000, 0xAB);
  key[0] = 0x17;
  const std::vector<uint8_t> delta = {0x27, 1, 0, 0, 0, 9, 9};
  const std::vector<uint8_t> aac = {0xAF, 1, 0x21, 0x22};
  ASSERT_TRUE(client->sendVideo(0, key).ok());
  ASSERT_TRUE(client->sendAudio(0, aac).ok());
  ASSERT_TRUE(client->sendVideo(33, delta).ok());
  ASSERT_TRUE(client->sendAudio(23, aac).ok());
  ASSERT_TRUE(client->sendVideo(66, delta).ok());
  ASSERT_TRUE(client->sendVideo(0x1000005, delta).ok());  // extended timestamp
  pump();
  ASSERT_EQ(srv.metadata.size(), 1u);
  EXPECT_EQ(srv.metadata[0].find("width")->asNumber(), 640);
  ASSERT_EQ(srv.video.size(), 4u);
  EXPECT_EQ(srv.video[0].ts, 0u);
  EXPECT_EQ(srv.video[0].body, key);
  EXPECT_EQ(srv.video[1].ts, 33u);
  EXPECT_EQ(srv.video[2].ts, 66u);
  EXPECT_EQ(srv.video[3].ts, 0x1000005u);
  EXPECT_EQ(srv.video[3].body, delta);
  ASSERT_EQ(srv.audio.size(), 2u);
  EXPECT_EQ(srv.audio[1].ts, 23u);
  EXPECT_EQ(srv.audio[1].body, aac);
  EXPECT_TRUE(srv.closes.empty());
}

TEST_P(RtmpClientSessionTest, MediaBeforePublishingIsRefused) {
  create();
  const uint8_t tag[] = {0x17, 1, 0, 0, 0};
  EXPECT_FALSE(client->sendVideo(0, tag).ok());
  EXPECT_FALSE(client->sendMetadata(Amf0Value::object()).ok());
}

TEST_P(RtmpClientSessionTest, AcknowledgesWhenTheWindowIsPassed) {
  publish();
  const uint64_t before = client->bytesReceived();
  const std::vector<uint8_t> filler(3000, 0x05);  // ignored data messages
  for (int i = 0; i < 7; ++i) inject(MessageType::kDataAmf0, filler);
  EXPECT_GE(client->bytesReceived() - before, 21000u);
  // Window 8192: one ack per full window received (checked per message, so ≤ the count).
  EXPECT_GE(client->acksSent(), 2u);
  EXPECT_LE(client->acksSent(), client->bytesReceived() / 8192);
  std::vector<std::vector<uint8_t>> store;
  uint32_t lastAck = 0;
  for (const auto& m : tapped(store)) {
    if (m.type() == MessageType::kAcknowledgement) lastAck = Acknowledgement::parse(m.payload)->sequenceNumber;
  }
  EXPECT_GE(lastAck, 2 * 8192u);
  EXPECT_LE(lastAck, client->bytesReceived());
  EXPECT_EQ(client->state(), RtmpClientState::kPublishing);
}

TEST_P(RtmpClientSessionTest, AnswersPingAndPeerBandwidth) {
  publish();
  std::array<uint8_t, 10> p{};
  auto n = UserControl{UserControlEvent::kPingRequest, 123456, 0}.serializeTo(p);
  ASSERT_TRUE(n.ok());
  inject(MessageType::kUserControl, std::span(p).first(*n));
  std::array<uint8_t, 5> bw{};
  const SetPeerBandwidth limit{777777, SetPeerBandwidth::LimitType::kHard};
  ASSERT_TRUE(limit.serializeTo(bw).ok());
  inject(MessageType::kSetPeerBandwidth, bw);
  std::vector<std::vector<uint8_t>> store;
  bool pong = false;
  bool window = false;
  for (const auto& m : tapped(store)) {
    if (m.type() == MessageType::kUserControl) {
      auto uc = UserControl::parse(m.payload);
      pong = uc.ok() && uc->event == UserControlEvent::kPingResponse && uc->value == 123456;
    }
    if (m.type() == MessageType::kWindowAckSize) window |= WindowAckSize::parse(m.payload)->windowSize == 777777;
  }
  EXPECT_TRUE(pong);
  EXPECT_TRUE(window);
}

TEST_P(RtmpClientSessionTest, GarbageFromServerClosesWithReason) {
  publish();
  // fmt 0 on chunk stream 3 announcing a 16 MB message: over the client's limit.
  std::vector<uint8_t> garbage = {0x03, 0, 0, 0, 0xFF, 0xFF, 0xFF, 20, 0, 0, 0, 0};
  deliver(garbage, [&](std::span<const uint8_t> b) { client->onBytes(b); });
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_NE(cli.closes[0].find("bad chunk stream"), std::string::npos) << cli.closes[0];
  EXPECT_FALSE(client->sendVideo(0, garbage).ok());
}

TEST_P(RtmpClientSessionTest, BadHandshakeClosesWithReason) {
  create();
  std::vector<uint8_t> garbage(2000, 0x06);
  deliver(garbage, [&](std::span<const uint8_t> b) { client->onBytes(b); });
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_NE(cli.closes[0].find("handshake"), std::string::npos) << cli.closes[0];
}

TEST_P(RtmpClientSessionTest, CloseUnpublishesAndDeletesStream) {
  publish();
  client->close("stopped");
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_EQ(cli.closes[0], "stopped");
  std::vector<std::vector<uint8_t>> store;
  std::vector<std::string> names;
  for (const auto& m : tapped(store)) {
    if (m.type() != MessageType::kCommandAmf0) continue;
    auto c = Command::parse(m.payload);
    ASSERT_TRUE(c.ok());
    names.push_back(c->name);
  }
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names[names.size() - 2], "FCUnpublish");
  EXPECT_EQ(names.back(), "deleteStream");
  pump();
  ASSERT_EQ(srv.closes.size(), 1u);  // the server ends the publish on FCUnpublish
  client->close("again");
  EXPECT_EQ(cli.closes.size(), 1u);
}

TEST_P(RtmpClientSessionTest, ServerEofIsReportedOnce) {
  publish();
  client->onEof();
  client->onEof();
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_EQ(cli.closes[0], "server closed the connection");
}

}  // namespace
}  // namespace rtcgate::transport::rtmp

namespace rtcgate::transport::rtmp {
namespace {

// A hand-scripted server for answers RtmpServerSession never gives.
class ScriptedServerTest : public ::testing::Test {
 protected:
  ClientSide cli;
  RtmpClientSession client{clientConfig(), cli, 7, {}};
  ChunkWriter writer;

  void SetUp() override {
    client.start();
    Handshake server(Handshake::Role::kServer, 0, {});
    ASSERT_TRUE(server.feed(cli.out).ok());
    client.onBytes(server.output());
    ASSERT_EQ(client.state(), RtmpClientState::kConnecting);
  }
  void command(const Command& c, uint32_t streamId = 0) {
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(writer.append({3, 0, 20, streamId}, c.serialize(), bytes).ok());
    client.onBytes(bytes);
  }
  static Command info(std::string name, double tid, std::string_view code, std::string_view description) {
    Command c{std::move(name), tid, Amf0Value::null(), {}};
    c.args.push_back(Amf0Value::object()
                         .set("level", Amf0Value::string("error"))
                         .set("code", Amf0Value::string(code))
                         .set("description", Amf0Value::string(description)));
    return c;
  }
  void connected() { command({"_result", 1, Amf0Value::object(), {}}); }
};

TEST_F(ScriptedServerTest, ConnectErrorCarriesDescription) {
  command(info("_error", 1, "NetConnection.Connect.Rejected", "bad token"));
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_EQ(cli.closes[0], "connect rejected: NetConnection.Connect.Rejected (bad token)");
}

TEST_F(ScriptedServerTest, CreateStreamErrorAndBadStreamId) {
  connected();
  EXPECT_EQ(client.state(), RtmpClientState::kCreatingStream);
  command({"_error", 2, Amf0Value::null(), {}});  // releaseStream refused: ignored
  EXPECT_EQ(client.state(), RtmpClientState::kCreatingStream);
  command({"_result", 4, Amf0Value::null(), {Amf0Value::number(0.5)}});
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_EQ(cli.closes[0], "createStream result without a usable stream id");
}

TEST_F(ScriptedServerTest, PublishErrorClosesWithDescription) {
  connected();
  command({"onBWDone", 0, Amf0Value::null(), {}});
  command({"_result", 4, Amf0Value::null(), {Amf0Value::number(3)}});
  EXPECT_EQ(client.state(), RtmpClientState::kAwaitingPublish);
  EXPECT_EQ(client.streamId(), 3u);
  command(info("_error", 5, "NetStream.Publish.Denied", "not allowed"), 3);
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_EQ(cli.closes[0], "publish rejected: NetStream.Publish.Denied (not allowed)");
}

TEST_F(ScriptedServerTest, TooManyUnknownCommandsClose) {
  connected();
  for (int i = 0; i < 1100 && cli.closes.empty(); ++i) command({"whatever", 0, Amf0Value::null(), {}});
  ASSERT_EQ(cli.closes.size(), 1u);
  EXPECT_NE(cli.closes[0].find("too many"), std::string::npos);
}

}  // namespace
}  // namespace rtcgate::transport::rtmp
