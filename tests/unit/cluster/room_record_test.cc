#include "cluster/room_record.h"

#include <gtest/gtest.h>

namespace rtcgate::cluster {
namespace {

TEST(RoomRecord, RoundTripsThroughJson) {
  const std::vector<RoomMemberRecord> members{
      {"alice", "Alice", R"({"seat":3})", 1'700'000'000'000, {{"camera", "video", false}, {"microphone", "audio", true}}},
      {"bob", "", "{}", 5, {}}};
  const auto back = parseRoomRecord(roomRecordToJson(members));
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].name, "alice");
  EXPECT_EQ((*back)[0].displayName, "Alice");
  EXPECT_EQ((*back)[0].metadata, R"({"seat":3})");
  EXPECT_EQ((*back)[0].joinedMs, 1'700'000'000'000);
  ASSERT_EQ((*back)[0].tracks.size(), 2u);
  EXPECT_EQ((*back)[0].tracks[1].source, "microphone");
  EXPECT_EQ((*back)[0].tracks[1].kind, "audio");
  EXPECT_TRUE((*back)[0].tracks[1].muted);
  EXPECT_TRUE((*back)[1].tracks.empty());
}

TEST(RoomRecord, MetadataThatIsNotAnObjectIsWrittenAsAnEmptyOne) {
  const auto back = parseRoomRecord(roomRecordToJson({{"a", "", "not json", 1, {}}}));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ((*back)[0].metadata, "{}");
}

TEST(RoomRecord, RefusesWhatNoNodeWrites) {
  const char* bad[] = {
      "", "[]", "{}", R"({"participants":{}})", R"({"participants":[1]})", R"({"participants":[{}]})",
      R"({"participants":[{"name":""}]})", R"({"participants":[{"name":7}]})",
      R"({"participants":[{"name":"a","joined_ms":-1}]})", R"({"participants":[{"name":"a","metadata":[]}]})",
      R"({"participants":[{"name":"a","tracks":{}}]})", R"({"participants":[{"name":"a","tracks":[{"source":"x","kind":"audio"}]}]})",
      R"({"participants":[{"name":"a","tracks":[{"source":"camera","kind":"text"}]}]})",
      R"({"participants":[{"name":"a","tracks":[{"source":"camera","kind":"video","muted":1}]}]})",
      R"({"participants":[{"name":"a","display_name":5}]})",
  };
  for (const char* text : bad) {
    std::string why;
    EXPECT_FALSE(parseRoomRecord(text, &why).has_value()) << text;
    EXPECT_FALSE(why.empty()) << text;
  }
  EXPECT_FALSE(parseRoomRecord(R"({"participants":[{"name":")" + std::string(65, 'a') + R"("}]})").has_value());
  EXPECT_FALSE(parseRoomRecord(R"({"participants":[{"name":"a","metadata":{"k":")" + std::string(9000, 'x') + R"("}}]})")
                   .has_value());
  std::string many = R"({"participants":[)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"name":"p"})";
  EXPECT_FALSE(parseRoomRecord(many + "]}").has_value());
}

}  // namespace
}  // namespace rtcgate::cluster
