#include "api/metrics_handler.h"

#include <gtest/gtest.h>

namespace rtcgate::api {
namespace {

TEST(Metrics, RendersCountersPerWorkerAndDropsByReason) {
  cluster::WorkerMetrics w;
  w.worker = 1;
  w.sfu.retransmissionsSent = 7;
  w.sfu.unknownSsrcDrops = 3;
  w.drops.count(DropReason::kSrtpAuth);
  w.renditions.started = 4;
  w.renditionsRunning = 2;
  sfu::SessionInfo pub;
  pub.kind = sfu::SessionKind::kPublisher;
  pub.state = "connected";
  const std::string text = renderMetrics({w}, {pub});
  EXPECT_NE(text.find("rtcgate_sessions{kind=\"whip\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("rtcgate_rtx_sent_total{worker=\"1\"} 7"), std::string::npos);
  EXPECT_NE(text.find("rtcgate_unknown_ssrc_drops_total{worker=\"1\"} 3"), std::string::npos);
  EXPECT_NE(text.find("rtcgate_drops_total{reason=\"srtp_auth\"} 1"), std::string::npos);
  EXPECT_NE(text.find("# TYPE rtcgate_drops_total counter"), std::string::npos);
  EXPECT_NE(text.find("rtcgate_renditions_started_total{worker=\"1\"} 4"), std::string::npos);
  EXPECT_NE(text.find("rtcgate_renditions_running{worker=\"1\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace rtcgate::api
