#include "api/room_messages.h"

#include <gtest/gtest.h>

namespace rtcgate::api::room {
namespace {

template <typename T>
T parseAs(std::string_view text) {
  auto out = parseClientMessage(text);
  const auto* p = std::get_if<Parsed>(&out);
  if (!p) {
    ADD_FAILURE() << "refused: " << std::get<ParseError>(out).message;
    return T{};
  }
  const T* m = std::get_if<T>(&p->message);
  if (!m) ADD_FAILURE() << "parsed as another type";
  return m ? *m : T{};
}

ParseError refusal(std::string_view text) {
  auto out = parseClientMessage(text);
  const auto* e = std::get_if<ParseError>(&out);
  if (!e) {
    ADD_FAILURE() << "accepted: " << text;
    return {};
  }
  return *e;
}

TEST(RoomMessages, JoinWithEverything) {
  const auto j = parseAs<Join>(
      R"({"type":"join","rid":"1","room":"r1","name":"alice","displayName":"Alice Ä","metadata":{"hand":true},)"
      R"("token":"t","resume":{"participant":"alice","secret":"s"}})");
  EXPECT_EQ(j.room, "r1");
  EXPECT_EQ(j.name, "alice");
  EXPECT_EQ(j.displayName, "Alice Ä");
  EXPECT_EQ(j.metadata["hand"], true);
  EXPECT_EQ(j.token, "t");
  ASSERT_TRUE(j.resume);
  EXPECT_EQ(j.resume->secret, "s");
}

TEST(RoomMessages, JoinDefaultsDisplayNameToName) {
  EXPECT_EQ(parseAs<Join>(R"({"type":"join","room":"r","name":"bob"})").displayName, "bob");
}

TEST(RoomMessages, JoinChecksNames) {
  EXPECT_EQ(refusal(R"({"type":"join","room":"r","name":"a.b"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"..","name":"a"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"r/x","name":"a"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"r","name":""})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"r","name":")" + std::string(49, 'a') + R"("})").code,
            ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"r","name":"a","metadata":[1]})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"join","room":"r","name":"a","resume":{"participant":"a"}})").code,
            ErrorCode::kBadMessage);
}

TEST(RoomMessages, MetadataIsBoundedInSizeAndDepth) {
  const std::string big = R"({"type":"join","room":"r","name":"a","metadata":{"x":")" + std::string(5000, 'y') + R"("}})";
  EXPECT_NE(refusal(big).message.find("larger than"), std::string::npos);
  std::string deep = R"({"type":"update","metadata":)";
  for (int i = 0; i < 20; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < 20; ++i) deep += "}";
  deep += "}";
  EXPECT_NE(refusal(deep).message.find("nests deeper"), std::string::npos);
}

TEST(RoomMessages, PublishWithTracks) {
  const auto p = parseAs<Publish>(
      R"({"type":"publish","sdp":"v=0","tracks":[{"mid":"0","source":"microphone"},{"mid":"1","source":"camera"}]})");
  EXPECT_EQ(p.connection, Connection::kMain);
  ASSERT_EQ(p.tracks.size(), 2u);
  EXPECT_EQ(p.tracks[0].source, Source::kMicrophone);
  EXPECT_EQ(p.tracks[1].mid, "1");
  EXPECT_EQ(parseAs<Publish>(R"({"type":"publish","connection":"screen","sdp":"v=0","tracks":[]})").connection,
            Connection::kScreen);
  EXPECT_EQ(refusal(R"({"type":"publish","sdp":"v=0","tracks":[{"mid":"0","source":"tv"}]})").code,
            ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"publish","sdp":"v=0"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"publish","connection":"x","sdp":"v=0","tracks":[]})").code, ErrorCode::kBadMessage);
}

TEST(RoomMessages, AnswerNeedsANegotiationNumber) {
  EXPECT_EQ(parseAs<Answer>(R"({"type":"answer","negotiation":3,"sdp":"v=0"})").negotiation, 3u);
  EXPECT_EQ(refusal(R"({"type":"answer","negotiation":-1,"sdp":"v=0"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"answer","negotiation":1.5,"sdp":"v=0"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"answer","sdp":"v=0"})").code, ErrorCode::kBadMessage);
}

TEST(RoomMessages, SubscriptionFields) {
  const auto s = parseAs<Subscription>(
      R"({"type":"subscription","track":"bob/camera","paused":true,"layer":"l","maxWidth":320,"maxHeight":180})");
  EXPECT_EQ(s.track, "bob/camera");
  EXPECT_EQ(s.paused, true);
  EXPECT_FALSE(s.subscribed);
  EXPECT_EQ(s.layer, sfu::Quality::kLow);
  EXPECT_EQ(s.maxWidth, 320u);
  EXPECT_EQ(refusal(R"({"type":"subscription","track":"x","layer":"x"})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"subscription","track":"x","maxWidth":99999})").code, ErrorCode::kBadMessage);
}

TEST(RoomMessages, MuteUpdateAndBareMessages) {
  const auto m = parseAs<Mute>(R"({"type":"mute","source":"camera","muted":true})");
  EXPECT_EQ(m.source, Source::kCamera);
  EXPECT_TRUE(m.muted);
  EXPECT_EQ(parseAs<Update>(R"({"type":"update","displayName":"B"})").displayName, "B");
  EXPECT_EQ(refusal(R"({"type":"update"})").code, ErrorCode::kBadMessage);
  parseAs<Leave>(R"({"type":"leave"})");
  parseAs<Ping>(R"({"type":"ping"})");
  parseAs<RestartIce>(R"({"type":"restartIce"})");
  EXPECT_EQ(parseAs<Unpublish>(R"({"type":"unpublish","connection":"screen"})").connection, Connection::kScreen);
}

TEST(RoomMessages, ErrorsCarryCodeAndRequestId) {
  EXPECT_EQ(refusal("not json").code, ErrorCode::kBadJson);
  EXPECT_EQ(refusal("[1,2]").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"rid":"7"})").rid, "7");
  const auto unknown = refusal(R"({"type":"dance","rid":"9"})");
  EXPECT_EQ(unknown.code, ErrorCode::kUnknownType);
  EXPECT_EQ(unknown.rid, "9");
  EXPECT_EQ(errorCodeName(unknown.code), "unknown_type");
  EXPECT_EQ(refusal(R"({"type":7})").code, ErrorCode::kBadMessage);
  EXPECT_EQ(refusal(R"({"type":"mute","source":"camera","muted":"yes"})").message, "mute: muted must be true or false");
}

TEST(RoomMessages, EveryPrefixOfAMessageIsRefusedOrParsedWithoutHarm) {
  const std::string text =
      R"({"type":"publish","rid":"1","sdp":"v=0\r\n","tracks":[{"mid":"0","source":"camera"}],"connection":"main"})";
  for (size_t n = 0; n < text.size(); ++n) (void)parseClientMessage(std::string_view(text).substr(0, n));
}

}  // namespace
}  // namespace rtcgate::api::room
