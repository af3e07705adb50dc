#include "edge/push_retention.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rtcgate::edge {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(PushRetention, LivePushesAreNeverForgotten) {
  std::map<std::string, PushRecord> pushes{{"a", {"cam", -1}}, {"b", {"cam", -1}}};
  EXPECT_TRUE(pushesToForget(pushes, 1'000'000'000).empty());
}

TEST(PushRetention, EndedPushesGoAfterTheirTime) {
  std::map<std::string, PushRecord> pushes{{"old", {"cam", 0}}, {"new", {"cam", 500'000}}, {"live", {"cam", -1}}};
  PushRetention r;
  r.keepMs = 600'000;
  EXPECT_TRUE(pushesToForget(pushes, 599'999, r).empty());
  EXPECT_EQ(pushesToForget(pushes, 600'000, r), std::vector<std::string>{"old"});
  EXPECT_EQ(sorted(pushesToForget(pushes, 1'100'000, r)), (std::vector<std::string>{"new", "old"}));
}

// Pushes started and ended over and over keep only the newest few listed per stream.
TEST(PushRetention, OnlyTheNewestEndedPerStreamStay) {
  std::map<std::string, PushRecord> pushes;
  for (int i = 0; i < 100; ++i) pushes["p" + std::to_string(i)] = {"cam", 1000 + i};
  pushes["other"] = {"mic", 1000};
  PushRetention r;
  r.keepPerStream = 4;
  const auto gone = pushesToForget(pushes, 2000, r);
  EXPECT_EQ(gone.size(), 96U);
  for (const char* kept : {"p96", "p97", "p98", "p99", "other"})
    EXPECT_EQ(std::count(gone.begin(), gone.end(), kept), 0) << kept;
}

}  // namespace
}  // namespace rtcgate::edge
