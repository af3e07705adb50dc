#pragma once
// LoadRunner: one load run end to end — encode the clip, publish it over WHIP, ramp up the
// WHEP subscribers across worker threads, measure for the duration, tear down, report.

#include <string>

#include "load_report.h"
#include "media_source.h"

namespace rtcgate::load {

// Everything the command line sets.
struct LoadOptions {
  std::string whipUrl = "http://127.0.0.1:8080/whip/{stream}";
  std::string whepUrl = "http://127.0.0.1:8080/whep/{stream}";
  std::string stream = "load1";
  std::string token;
  int subscribers = 10;
  double rampPerSec = 50;
  double durationSec = 30;
  int threads = 2;
  std::string localIp = "127.0.0.1";  // where our UDP sockets bind
  std::string iceIp;                   // replaces the IP of the server's candidate when set
  std::string json;
  bool loopback = false;  // run against the built-in LoopbackSfu instead of a server
  double loopbackDropPct = 0;
  double subscriberDropPct = 0;  // simulated loss of video at each subscriber
  MediaSourceOptions media;
  // Room mode (when `room` is set): `participants` join `room` over the room protocol at
  // `rampPerSec`, the first `publishers` of them publish audio and `layers` simulcast video
  // layers, everyone receives everyone; participant 0 speaks, the others are silent.
  std::string roomUrl = "ws://127.0.0.1:8080/rooms/ws";
  std::string room;
  int participants = 25;
  int publishers = 25;
  int layers = 3;
  double settleTimeoutSec = 60;  // longest wait for every participant to receive every track
  // Churn mode (when `churnSessions` > 0): that many sessions opened at `rampPerSec`, in
  // groups of one WHIP publisher and `churnViewers` WHEP viewers, each held `churnHoldSec`
  // with media and then DELETEd; the server (`serverPid`, `metricsUrl`) sampled every
  // `sampleSec`; RSS growth after `warmupSec` must stay under `maxRssGrowthPct`.
  int churnSessions = 0;
  int churnViewers = 3;
  double churnHoldSec = 8;
  int serverPid = 0;
  std::string metricsUrl;
  double sampleSec = 10;
  double warmupSec = 300;
  double maxRssGrowthPct = 5;
};

// Runs the test; the exit code is 0 when the publisher and at least one subscriber connected.
// The figures also go to `out` when given.
int runLoad(const LoadOptions& options, LoadReport* out = nullptr);
// The room mode; the exit code is 0 when every participant joined and received media.
int runRoomLoad(const LoadOptions& options, LoadReport* out = nullptr);
// The churn mode; the exit code is 0 when no session failed (beyond 0.1 %), none was left on
// the server, no file descriptor leaked and RSS did not grow.
int runChurnLoad(const LoadOptions& options);
// Replaces every "{stream}" in `tmpl`.
std::string expandUrl(const std::string& tmpl, const std::string& stream);

}  // namespace rtcgate::load
