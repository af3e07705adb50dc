#include <gtest/gtest.h>

#include <string>

#include "edge/rtmp_server.h"

namespace rtcgate::edge {
namespace {

// A refused key used to be logged whole, ?token= and all.
TEST(LoggableStreamKey, HidesTheQueryWhereTokensTravel) {
  EXPECT_EQ(loggableStreamKey("cam1?token=s3cret"), "cam1?(query hidden)");
  EXPECT_EQ(loggableStreamKey("cam1"), "cam1");
  EXPECT_EQ(loggableStreamKey(std::string(100, 'k')), std::string(64, 'k') + "...");
  EXPECT_EQ(loggableStreamKey(std::string(70, 'k') + "?token=x").find("token"), std::string::npos);
}

}  // namespace
}  // namespace rtcgate::edge
