#include "wire/rtmp/amf0_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/hex.h"
#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;

// Hex of an AMF0 short string body (length + UTF-8), to keep vectors readable.
std::string str(std::string_view s) {
  std::vector<uint8_t> v = {static_cast<uint8_t>(s.size() >> 8), static_cast<uint8_t>(s.size())};
  v.insert(v.end(), s.begin(), s.end());
  return toHex(v);
}

// connect as ffmpeg's RTMP client sends it (§7.2.1.1): "connect", 1.0, then an object.
std::vector<uint8_t> ffmpegConnect() {
  return hexBytes("02" + str("connect") + "00 3ff0000000000000 03" +                      //
                  str("app") + "02" + str("live") +                                       //
                  str("type") + "02" + str("nonprivate") +                                //
                  str("flashVer") + "02" + str("FMLE/3.0 (compatible; Lavf60.16.100)") +  //
                  str("tcUrl") + "02" + str("rtmp://127.0.0.1:1935/live") +               //
                  str("fpad") + "01 00" +                                                 //
                  str("capabilities") + "00 402e000000000000" +                           // 15.0
                  str("audioCodecs") + "00 40afce0000000000" +                            // 4071.0
                  str("videoCodecs") + "00 406f800000000000" +                            // 252.0
                  str("videoFunction") + "00 3ff0000000000000" +                          // 1.0
                  "0000 09");
}

TEST(Amf0Command, ParsesFfmpegConnect) {
  auto c = Command::parse(ffmpegConnect());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->name, "connect");
  EXPECT_EQ(c->transactionId, 1.0);
  EXPECT_EQ(c->commandObject.find("app")->asString(), "live");
  EXPECT_EQ(c->commandObject.find("tcUrl")->asString(), "rtmp://127.0.0.1:1935/live");
  EXPECT_EQ(c->commandObject.find("audioCodecs")->asNumber(), 4071.0);
  EXPECT_FALSE(c->commandObject.find("fpad")->asBool(true));
  EXPECT_TRUE(c->args.empty());
  EXPECT_EQ(c->serialize(), ffmpegConnect());
  // Every cut is rejected, except right after the transaction id: a command without a
  // command object is valid (bare onStatus).
  const auto full = ffmpegConnect();
  for (size_t len = 0; len < full.size(); ++len) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_EQ(Command::parse(prefix).ok(), len == 19) << len;
  }
}

TEST(Amf0Command, ParsesPublishAndRejectsBadShapes) {
  // §7.2.2.6 publish: "publish", 5, null, "KEY", "live".
  const auto bytes =
      hexBytes("02" + str("publish") + "00 4014000000000000 05 02" + str("KEY") + "02" + str("live"));
  auto c = Command::parse(bytes);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->stringArg(0), "KEY");
  EXPECT_EQ(c->stringArg(1), "live");
  EXPECT_EQ(c->stringArg(2), "");
  EXPECT_FALSE(Command::parse(hexBytes("00 3ff0000000000000 00 3ff0000000000000")).ok());
  EXPECT_FALSE(Command::parse(hexBytes("02" + str("x") + "02" + str("y"))).ok());
  EXPECT_FALSE(Command::parse(hexBytes("02" + str("x"))).ok());
}

TEST(Amf0Command, ConnectResult) {
  auto c = Command::parse(buildConnectResult(1));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "_result");
  EXPECT_EQ(c->transactionId, 1.0);
  EXPECT_EQ(c->commandObject.find("fmsVer")->asString(), "FMS/3,0,1,123");
  EXPECT_EQ(c->commandObject.find("capabilities")->asNumber(), 31.0);
  ASSERT_EQ(c->args.size(), 1u);
  EXPECT_EQ(c->args[0].find("code")->asString(), "NetConnection.Connect.Success");
  EXPECT_EQ(c->args[0].find("level")->asString(), "status");
}

TEST(Amf0Command, CreateStreamResultAndSimpleResult) {
  // §7.2.1.3: "_result", txn, null, stream id.
  EXPECT_EQ(buildCreateStreamResult(4, 1),
            hexBytes("02" + str("_result") + "00 4010000000000000 05 00 3ff0000000000000"));
  EXPECT_EQ(buildSimpleResult(2, true), hexBytes("02" + str("_error") + "00 4000000000000000 05"));
}

TEST(Amf0Command, OnStatusCodes) {
  struct Case {
    StreamStatus status;
    const char* code;
    const char* level;
  };
  const Case cases[] = {
      {StreamStatus::kPublishStart, "NetStream.Publish.Start", "status"},
      {StreamStatus::kPublishBadName, "NetStream.Publish.BadName", "error"},
      {StreamStatus::kUnpublishSuccess, "NetStream.Unpublish.Success", "status"},
      {StreamStatus::kPlayStart, "NetStream.Play.Start", "status"},
      {StreamStatus::kPlayReset, "NetStream.Play.Reset", "status"},
      {StreamStatus::kPlayStreamNotFound, "NetStream.Play.StreamNotFound", "error"},
  };
  for (const auto& k : cases) {
    auto c = Command::parse(buildOnStatus(k.status, "desc", "cam1"));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->name, "onStatus");
    EXPECT_EQ(c->transactionId, 0.0);
    EXPECT_TRUE(c->commandObject.isNullish());
    ASSERT_EQ(c->args.size(), 1u);
    EXPECT_EQ(c->args[0].find("code")->asString(), k.code);
    EXPECT_EQ(c->args[0].find("level")->asString(), k.level);
    EXPECT_EQ(c->args[0].find("details")->asString(), "cam1");
  }
}

TEST(Amf0Command, SetDataFrameMetadataAndPlayerForm) {
  // OBS/ffmpeg: "@setDataFrame", "onMetaData", ECMA array {width: 1280, videocodecid: 7}.
  const auto bytes =
      hexBytes("02" + str("@setDataFrame") + "02" + str("onMetaData") + "08 00000002" + str("width") +
               "00 4094000000000000" + str("videocodecid") + "00 401c000000000000 0000 09");
  auto d = DataMessage::parse(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->setDataFrame);
  EXPECT_EQ(d->name, "onMetaData");
  ASSERT_NE(d->metadata(), nullptr);
  EXPECT_EQ(d->metadata()->find("width")->asNumber(), 1280.0);
  // Players get it without the wrapper.
  const auto forPlayers = buildOnMetaData(*d->metadata());
  auto p = DataMessage::parse(forPlayers);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->setDataFrame);
  EXPECT_EQ(p->metadata()->find("videocodecid")->asNumber(), 7.0);
  EXPECT_EQ(std::vector<uint8_t>(forPlayers.begin(), forPlayers.end()),
            std::vector<uint8_t>(bytes.begin() + 16, bytes.end()));
  EXPECT_FALSE(DataMessage::parse(hexBytes("02" + str("@setDataFrame"))).ok());
}

TEST(Amf0Command, SampleAccessAndClientCommands) {
  EXPECT_EQ(buildSampleAccess(), hexBytes("02" + str("|RtmpSampleAccess") + "01 01 01 01"));
  auto c = Command::parse(buildConnect(1, "live", "rtmp://cdn/live"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->commandObject.find("tcUrl")->asString(), "rtmp://cdn/live");
  const Amf0Value args[] = {Amf0Value::string("key"), Amf0Value::string("live")};
  auto p = Command::parse(buildCommand("publish", 5, args));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "publish");
  EXPECT_EQ(p->stringArg(0), "key");
}

TEST(Amf0Command, FromMessageHandlesAmf3Wrapping) {
  const auto body = buildCommand("createStream", 2);
  Message m{{3, 0, 20, 0}, body};
  auto c = Command::fromMessage(m);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "createStream");
  std::vector<uint8_t> wrapped = {0x00};
  wrapped.insert(wrapped.end(), body.begin(), body.end());
  Message m17{{3, 0, 17, 0}, wrapped};
  auto c17 = Command::fromMessage(m17);
  ASSERT_TRUE(c17.ok());
  EXPECT_EQ(c17->transactionId, 2.0);
  wrapped[0] = 0x11;
  EXPECT_EQ(Command::fromMessage(m17).error().code, Error::Code::kUnsupported);
  EXPECT_FALSE(Command::fromMessage(Message{{3, 0, 9, 1}, body}).ok());
  const auto meta = buildSampleAccess();
  EXPECT_TRUE(DataMessage::fromMessage(Message{{3, 0, 18, 1}, meta}).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
