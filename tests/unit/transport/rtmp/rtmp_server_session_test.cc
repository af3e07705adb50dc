// Drives RtmpServerSession with a scripted client built from the wire codecs, the way
// OBS and ffmpeg publish and play.
#include "transport/rtmp/rtmp_server_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Records everything a session reports and answers publish/play from a key list.
struct Recorder : RtmpServerSessionListener {
  std::vector<uint8_t> sent;
  std::vector<std::string> publishes, plays, closes;
  std::vector<Amf0Value> metadata;
  std::vector<Media> video, audio;
  std::string goodKey = "secret";

  void onRtmpSend(std::span<const uint8_t> b) override { sent.insert(sent.end(), b.begin(), b.end()); }
  RtmpDecision onRtmpPublish(std::string_view app, std::string_view key) override {
    publishes.push_back(std::string(app) + "/" + std::string(key));
    return key == goodKey ? RtmpDecision::kAccept : RtmpDecision::kReject;
  }
  RtmpDecision onRtmpPlay(std::string_view app, std::string_view key) override {
    plays.push_back(std::string(app) + "/" + std::string(key));
    return key == goodKey ? RtmpDecision::kAccept : RtmpDecision::kReject;
  }
  void onRtmpMetadata(const Amf0Value& m) override { metadata.push_back(m); }
  void onRtmpVideo(uint32_t ts, std::span<const uint8_t> b) override { video.push_back({ts, {b.begin(), b.end()}}); }
  void onRtmpAudio(uint32_t ts, std::span<const uint8_t> b) override { audio.push_back({ts, {b.begin(), b.end()}}); }
  void onRtmpClosed(std::string_view reason) override { closes.emplace_back(reason); }
};

struct Received {
  MessageHeader header;
  std::vector<uint8_t> payload;
};

// The client side: handshake, chunked commands out, server messages parsed back.
class RtmpServerSessionTest : public ::testing::Test {
 protected:
  Recorder rec;
  RtmpServerSession session{RtmpServerConfig{}, rec, 1000, {}};
  Handshake client{Handshake::Role::kClient, 7, {}};
  ChunkWriter writer;
  ChunkReader reader;
  bool byteByByte = false;

  void feed(std::span<const uint8_t> bytes) {
    if (!byteByByte) return session.onBytes(bytes);
    for (uint8_t b : bytes) session.onBytes(std::span(&b, 1));
  }

  void handshake() {
    std::vector<uint8_t> c0c1(client.output().begin(), client.output().end());
    client.consumeOutput(c0c1.size());
    feed(c0c1);
    ASSERT_EQ(rec.sent.size(), 1 + 2 * Handshake::kPacketSize);
    ASSERT_TRUE(client.feed(rec.sent).ok());
    rec.sent.clear();
    ASSERT_TRUE(client.done());
    std::vector<uint8_t> c2(client.output().begin(), client.output().end());
    client.consumeOutput(c2.size());
    feed(c2);
    EXPECT_EQ(session.state(), RtmpSessionState::kAwaitingConnect);
  }

  void send(uint8_t type, uint32_t csid, uint32_t streamId, uint32_t ts, std::span<const uint8_t> payload) {
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(writer.append({csid, ts, type, streamId}, payload, bytes).ok());
    feed(bytes);
  }
  void command(const std::vector<uint8_t>& amf, uint32_t streamId = 0) { send(20, 3, streamId, 0, amf); }
  void named(std::string_view name, double tid, std::string_view arg = {}, uint32_t streamId = 0) {
    std::vector<Amf0Value> args;
    if (!arg.empty()) args.push_back(Amf0Value::string(arg));
    command(buildCommand(name, tid, args), streamId);
  }

  // Everything the server sent since the last call, as messages.
  std::vector<Received> drain() {
    std::vector<Received> out;
    std::span<const uint8_t> in(rec.sent);
    while (!in.empty()) {
      auto m = reader.read(in);
      EXPECT_TRUE(m.ok());
      if (!m.ok()) break;
      if (*m) out.push_back({(*m)->header, {(*m)->payload.begin(), (*m)->payload.end()}});
    }
    rec.sent.clear();
    return out;
  }
  static std::vector<Command> commands(const std::vector<Received>& msgs) {
    std::vector<Command> out;
    for (const auto& m : msgs) {
      if (m.header.typeId != 20) continue;
      auto c = Command::parse(m.payload);
      EXPECT_TRUE(c.ok());
      if (c.ok()) out.push_back(*c);
    }
    return out;
  }
  static std::string statusCode(const Command& c) {
    if (c.name != "onStatus" || c.args.empty()) return "";
    const Amf0Value* code = c.args[0].find("code");
    return code ? std::string(code->asString()) : "";
  }

  void connect(std::string_view app = "live") {
    command(buildConnect(1, app, "rtmp://localhost/live"));
  }
  void connectAndCreate() {
    handshake();
    connect();
    named("releaseStream", 2, rec.goodKey);
    named("FCPublish", 3, rec.goodKey);
    named("createStream", 4);
  }
};

TEST_F(RtmpServerSessionTest, ConnectRepliesControlMessagesAndSuccess) {
  handshake();
  connect();
  const auto msgs = drain();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].header.typeId, 5);  // Window Ack Size
  EXPECT_EQ(msgs[1].header.typeId, 6);  // Set Peer Bandwidth
  EXPECT_EQ(msgs[2].header.typeId, 1);  // Set Chunk Size
  EXPECT_EQ(SetChunkSize::parse(msgs[2].payload)->chunkSize, 4096u);
  EXPECT_EQ(reader.chunkSize(), 4096u);
  const auto cmds = commands(msgs);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].name, "_result");
  EXPECT_EQ(cmds[0].transactionId, 1);
  EXPECT_EQ(cmds[0].args[0].find("code")->asString(), "NetConnection.Connect.Success");
  EXPECT_EQ(session.state(), RtmpSessionState::kConnected);
  EXPECT_EQ(session.app(), "live");
}


class PublishTest : public RtmpServerSessionTest {
 protected:
  void run() {
    connectAndCreate();
    auto cmds = commands(drain());
    ASSERT_EQ(cmds.back().name, "_result");
    EXPECT_EQ(cmds.back().transactionId, 4);
    EXPECT_EQ(cmds.back().args.at(0).asNumber(), 1);  // stream id
    bool sawFc = false;
    for (const auto& c : cmds) sawFc |= c.name == "onFCPublish";
    EXPECT_TRUE(sawFc);

    std::vector<Amf0Value> args{Amf0Value::string(rec.goodKey), Amf0Value::string("live")};
    command(buildCommand("publish", 5, args), 1);
    cmds = commands(drain());
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(statusCode(cmds[0]), "NetStream.Publish.Start");
    EXPECT_EQ(session.state(), RtmpSessionState::kPublishing);
    ASSERT_EQ(rec.publishes, std::vector<std::string>{"live/secret"});

    std::vector<uint8_t> meta;
    encodeAmf0(Amf0Value::string("@setDataFrame"), meta);
    encodeAmf0(Amf0Value::string("onMetaData"), meta);
    encodeAmf0(Amf0Value::ecmaArray({{"width", Amf0Value::number(1280)}}), meta);
    send(18, 4, 1, 0, meta);
    const std::vector<uint8_t> avcSeq{0x17, 0x00, 0, 0, 0, 1, 0x64, 0x00, 0x1f, 0xff};
    send(9, 6, 1, 0, avcSeq);
    const std::vector<uint8_t> aacSeq{0xAF, 0x00, 0x12, 0x10};
    send(8, 4, 1, 0, aacSeq);
    std::vector<uint8_t> key(10000, 0x55);  // spans many 128-byte chunks
    key[0] = 0x17;
    key[1] = 0x01;
    send(9, 6, 1, 33, key);
    send(8, 4, 1, 23, std::vector<uint8_t>{0xAF, 0x01, 0x21});
    send(9, 6, 1, 0x01000000 + 66, std::vector<uint8_t>{0x27, 0x01, 0, 0, 0});  // extended timestamp

    ASSERT_EQ(rec.metadata.size(), 1u);
    EXPECT_EQ(rec.metadata[0].find("width")->asNumber(), 1280);
    ASSERT_EQ(rec.video.size(), 3u);
    EXPECT_EQ(rec.video[0].body, avcSeq);
    EXPECT_EQ(rec.video[0].ts, 0u);
    EXPECT_EQ(rec.video[1].body, key);
    EXPECT_EQ(rec.video[1].ts, 33u);
    EXPECT_EQ(rec.video[2].ts, 0x01000000u + 66);
    ASSERT_EQ(rec.audio.size(), 2u);
    EXPECT_EQ(rec.audio[0].body, aacSeq);
    EXPECT_EQ(rec.audio[1].ts, 23u);

    named("FCUnpublish", 6, rec.goodKey);
    ASSERT_EQ(rec.closes.size(), 1u);
    EXPECT_EQ(rec.closes[0], "client sent FCUnpublish");
    named("deleteStream", 7);  // after close: ignored, no second report
    EXPECT_EQ(rec.closes.size(), 1u);
  }
};

TEST_F(PublishTest, FullObsStylePublishFlow) { run(); }

TEST_F(PublishTest, FullPublishFlowFedByteByByte) {
  byteByByte = true;
  run();
}

TEST_F(RtmpServerSessionTest, PlayFlowAndPlayerReceivesTags) {
  connectAndCreate();
  drain();
  named("play", 5, rec.goodKey, 1);
  const auto msgs = drain();
  ASSERT_EQ(session.state(), RtmpSessionState::kPlaying);
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].header.typeId, 4);
  auto begin = UserControl::parse(msgs[0].payload);
  EXPECT_EQ(begin->event, UserControlEvent::kStreamBegin);
  EXPECT_EQ(begin->value, 1u);
  const auto cmds = commands(msgs);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(statusCode(cmds[0]), "NetStream.Play.Reset");
  EXPECT_EQ(statusCode(cmds[1]), "NetStream.Play.Start");
  EXPECT_EQ(DataMessage::parse(msgs[3].payload)->name, "|RtmpSampleAccess");

  ASSERT_TRUE(session.sendMetadata(Amf0Value::ecmaArray({{"height", Amf0Value::number(720)}})).ok());
  const std::vector<uint8_t> v(6000, 0x27);
  ASSERT_TRUE(session.sendVideo(40, v).ok());
  ASSERT_TRUE(session.sendAudio(41, std::vector<uint8_t>{0xAF, 0x01, 7}).ok());
  const auto media = drain();
  ASSERT_EQ(media.size(), 3u);
  auto meta = DataMessage::parse(media[0].payload);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->metadata()->find("height")->asNumber(), 720);
  EXPECT_EQ(media[1].header.typeId, 9);
  EXPECT_EQ(media[1].header.timestamp, 40u);
  EXPECT_EQ(media[1].header.streamId, 1u);
  EXPECT_EQ(media[1].payload, v);
  EXPECT_EQ(media[2].header.typeId, 8);
  EXPECT_EQ(media[2].header.timestamp, 41u);
}

TEST_F(RtmpServerSessionTest, SendOnNonPlayerFails) {
  connectAndCreate();
  EXPECT_FALSE(session.sendVideo(0, std::vector<uint8_t>{0x17}).ok());
}

TEST_F(RtmpServerSessionTest, UnknownAppIsRefused) {
  handshake();
  connect("vod");
  const auto cmds = commands(drain());
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].name, "_error");
  EXPECT_EQ(rec.closes, std::vector<std::string>{"unknown app 'vod'"});
}

TEST_F(RtmpServerSessionTest, AppWithTrailingSlashAndQueryIsAccepted) {
  handshake();
  connect("live/?token=1");
  EXPECT_EQ(session.state(), RtmpSessionState::kConnected);
}

TEST_F(RtmpServerSessionTest, RejectedPublishKeySendsBadNameAndCloses) {
  connectAndCreate();
  drain();
  named("publish", 5, "wrong", 1);
  const auto cmds = commands(drain());
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(statusCode(cmds[0]), "NetStream.Publish.BadName");
  EXPECT_EQ(rec.closes, std::vector<std::string>{"publish rejected for 'wrong'"});
}

TEST_F(RtmpServerSessionTest, RejectedPlaySendsNotFoundAndCloses) {
  connectAndCreate();
  drain();
  named("play", 5, "nope", 1);
  EXPECT_EQ(statusCode(commands(drain()).at(0)), "NetStream.Play.StreamNotFound");
  EXPECT_EQ(rec.closes, std::vector<std::string>{"play rejected for 'nope'"});
}

TEST_F(RtmpServerSessionTest, GarbageAfterHandshakeCloses) {
  handshake();
  const std::vector<uint8_t> junk(32, 0xFF);
  feed(junk);
  ASSERT_EQ(rec.closes.size(), 1u);
  EXPECT_EQ(rec.closes[0].rfind("garbage after handshake", 0), 0u) << rec.closes[0];
}

TEST_F(RtmpServerSessionTest, BadHandshakeVersionCloses) {
  const std::vector<uint8_t> c0{6, 0, 0, 0};
  feed(c0);
  ASSERT_EQ(rec.closes.size(), 1u);
  EXPECT_EQ(rec.closes[0].rfind("handshake failed", 0), 0u) << rec.closes[0];
}

TEST_F(RtmpServerSessionTest, TruncatedInputClosesOnEof) {
  handshake();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(writer.append({3, 0, 20, 0}, buildConnect(1, "live", "rtmp://x/live"), bytes).ok());
  bytes.resize(bytes.size() / 2);
  feed(bytes);
  EXPECT_TRUE(rec.closes.empty());
  EXPECT_EQ(session.state(), RtmpSessionState::kAwaitingConnect);
  session.onEof();
  EXPECT_EQ(rec.closes, std::vector<std::string>{"connection closed in the middle of a message (truncated)"});
}

TEST_F(RtmpServerSessionTest, EofBetweenMessagesIsAPlainClose) {
  handshake();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(writer.append({3, 0, 20, 0}, buildConnect(1, "live", "rtmp://x/live"), bytes).ok());
  feed(bytes);
  session.onEof();
  EXPECT_EQ(rec.closes.back(), "connection closed by peer");
}

TEST_F(RtmpServerSessionTest, EofDuringHandshake) {
  feed(std::vector<uint8_t>{3, 1, 2});
  session.onEof();
  EXPECT_EQ(rec.closes, std::vector<std::string>{"connection closed during handshake"});
}

TEST_F(RtmpServerSessionTest, CommandBeforeConnectCloses) {
  handshake();
  named("createStream", 2);
  EXPECT_EQ(rec.closes, std::vector<std::string>{"'createStream' before connect"});
  EXPECT_TRUE(drain().empty());
}

TEST_F(RtmpServerSessionTest, MediaBeforePublishIsIgnored) {
  connectAndCreate();
  send(9, 6, 1, 0, std::vector<uint8_t>{0x17, 0x01});
  EXPECT_TRUE(rec.video.empty());
  EXPECT_EQ(session.ignoredMessages(), 1u);
  EXPECT_TRUE(rec.closes.empty());
}

TEST_F(RtmpServerSessionTest, ChunkSizeZeroCloses) {
  handshake();
  connect();
  const std::vector<uint8_t> zero{0, 0, 0, 0};
  send(1, 2, 0, 0, zero);
  EXPECT_EQ(rec.closes, std::vector<std::string>{"chunk size 0"});
}

TEST_F(RtmpServerSessionTest, OversizedMessageCloses) {
  handshake();
  connect();
  // A fmt 0 header announcing a 16 MiB command: refused before any payload arrives.
  const std::vector<uint8_t> hdr{0x03, 0, 0, 0, 0xFF, 0xFF, 0xFF, 20, 0, 0, 0, 0};
  feed(hdr);
  ASSERT_EQ(rec.closes.size(), 1u);
  EXPECT_EQ(rec.closes[0], "message length over limit");
}

TEST_F(RtmpServerSessionTest, PingIsAnswered) {
  handshake();
  connect();
  drain();
  std::array<uint8_t, 10> p{};
  auto n = UserControl{UserControlEvent::kPingRequest, 12345, 0}.serializeTo(p);
  send(4, 2, 0, 0, std::span(p).first(*n));
  const auto msgs = drain();
  ASSERT_EQ(msgs.size(), 1u);
  auto pong = UserControl::parse(msgs[0].payload);
  EXPECT_EQ(pong->event, UserControlEvent::kPingResponse);
  EXPECT_EQ(pong->value, 12345u);
}

TEST_F(RtmpServerSessionTest, AcknowledgesPerPeerWindow) {
  handshake();
  connect();
  drain();
  std::array<uint8_t, 4> w{};
  (void)WindowAckSize{5000}.serializeTo(w);
  send(5, 2, 0, 0, w);
  // Unknown commands are counted, not answered, and push received bytes past the window.
  std::vector<Amf0Value> args{Amf0Value::string(std::string(3000, 'x'))};
  for (int i = 0; i < 3; ++i) command(buildCommand("_checkbw", 10 + i, args));
  EXPECT_EQ(session.unknownCommands(), 3u);
  // ~12.5 kB received in all (handshake included): acks at the 5000 and 10000 marks.
  const auto msgs = drain();
  ASSERT_EQ(msgs.size(), 2u);
  uint32_t last = 0;
  for (const auto& m : msgs) {
    EXPECT_EQ(m.header.typeId, 3);
    const uint32_t seq = Acknowledgement::parse(m.payload)->sequenceNumber;
    EXPECT_GE(seq, last + 5000u);
    last = seq;
  }
  EXPECT_EQ(last, session.bytesReceived());
  EXPECT_TRUE(rec.closes.empty());
}

TEST_F(RtmpServerSessionTest, TinyPeerWindowIsFloored) {
  handshake();
  connect();
  drain();
  std::array<uint8_t, 4> w{};
  (void)WindowAckSize{1}.serializeTo(w);
  send(5, 2, 0, 0, w);
  for (int i = 0; i < 40; ++i) named("_checkbw", 10 + i);  // ~30 bytes each
  // ~5 kB received in all (handshake included): one ack at 4096, not one per message.
  EXPECT_EQ(drain().size(), 1u);
}

TEST_F(RtmpServerSessionTest, TooManyUnknownCommandsCloses) {
  handshake();
  connect();
  for (int i = 0; i < 300 && rec.closes.empty(); ++i) named("whatever", 2);
  EXPECT_EQ(rec.closes, std::vector<std::string>{"too many unknown commands"});
}

}  // namespace
}  // namespace rtcgate::transport::rtmp
