// rtcgate-load: drives one synthetic WHIP publisher and N WHEP subscribers against a
// WHIP/WHEP server, or N participants of one room, or churns sessions for a soak, and reports what the subscribers
// receive (rate, loss, latency).

#include <CLI/CLI.hpp>
#include <cstdio>

#include "load_runner.h"
#include "self_test.h"

int main(int argc, char** argv) {
  using namespace rtcgate::load;
  LoadOptions o;
  std::string codec = "vp8";
  bool selfTest = false;
  CLI::App app{"rtcgate-load: WHIP/WHEP load and latency tool"};
  app.add_option("--whip-url", o.whipUrl, "WHIP endpoint template ({stream} is replaced)")->capture_default_str();
  app.add_option("--whep-url", o.whepUrl, "WHEP endpoint template ({stream} is replaced)")->capture_default_str();
  app.add_option("--stream", o.stream, "stream name")->capture_default_str();
  app.add_option("--token", o.token, "bearer token for WHIP/WHEP requests");
  app.add_option("--subscribers", o.subscribers, "number of WHEP subscribers")->capture_default_str()->check(CLI::Range(0, 100000));
  app.add_option("--ramp-per-sec", o.rampPerSec, "subscribers started per second")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--duration", o.durationSec, "seconds to measure after the ramp")->capture_default_str();
  app.add_option("--codec", codec, "video codec")->check(CLI::IsMember({"vp8", "h264"}))->capture_default_str();
  app.add_option("--bitrate", o.media.videoBitrate, "video bitrate (bit/s)")->capture_default_str();
  app.add_option("--width", o.media.width, "video width")->capture_default_str();
  app.add_option("--height", o.media.height, "video height")->capture_default_str();
  app.add_option("--fps", o.media.fps, "video frame rate")->capture_default_str()->check(CLI::Range(1, 120));
  app.add_option("--loop-seconds", o.media.seconds, "seconds of media encoded and looped")->capture_default_str()->check(CLI::Range(2, 60));
  app.add_option("--threads", o.threads, "worker threads for the peers")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--local-ip", o.localIp, "IP our UDP sockets bind to")->capture_default_str();
  app.add_option("--ice-ip", o.iceIp, "use this IP instead of the one in the server's ICE candidate");
  app.add_option("--json", o.json, "also write the report as JSON to this file");
  app.add_flag("--loopback", o.loopback, "measure against a minimal in-process forwarder (the tool's own floor)");
  app.add_option("--loopback-drop-pct", o.loopbackDropPct, "with --loopback: drop this % of forwarded RTP")
      ->check(CLI::Range(0.0, 50.0));
  app.add_option("--drop-pct", o.subscriberDropPct,
                 "subscribers discard this % of arriving video (simulated loss; exercises the server's NACK/RTX)")
      ->check(CLI::Range(0.0, 50.0));
  app.add_option("--room", o.room, "room mode: join this room over the room protocol instead of WHIP/WHEP");
  app.add_option("--room-url", o.roomUrl, "room signaling WebSocket")->capture_default_str();
  app.add_option("--participants", o.participants, "room mode: participants")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--publishers", o.publishers, "room mode: participants that publish (the first ones)")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  app.add_option("--layers", o.layers, "room mode: simulcast layers each publisher sends")->capture_default_str()->check(CLI::Range(1, 3));
  app.add_option("--settle-timeout", o.settleTimeoutSec, "room mode: longest wait for everyone to receive every track (s)")
      ->capture_default_str();
  app.add_option("--churn", o.churnSessions, "churn mode: open and close this many sessions at --ramp-per-sec")
      ->check(CLI::Range(0, 10'000'000));
  app.add_option("--churn-viewers", o.churnViewers, "churn mode: WHEP viewers per WHIP publisher")
      ->capture_default_str()->check(CLI::Range(0, 100));
  app.add_option("--churn-hold", o.churnHoldSec, "churn mode: seconds each session stays open")
      ->capture_default_str()->check(CLI::Range(1.0, 3600.0));
  app.add_option("--server-pid", o.serverPid, "churn mode: sample this process's RSS and open files");
  app.add_option("--metrics-url", o.metricsUrl, "churn mode: count the server's live sessions here");
  app.add_option("--sample-every", o.sampleSec, "churn mode: seconds between samples")->capture_default_str()
      ->check(CLI::Range(1.0, 600.0));
  app.add_option("--warmup", o.warmupSec, "churn mode: seconds before RSS is compared")->capture_default_str();
  app.add_option("--max-rss-growth", o.maxRssGrowthPct, "churn mode: allowed RSS growth after warm-up (%)")
      ->capture_default_str();
  app.add_flag("--self-test", selfTest, "check encoder, packetizers, offers and loss logic, then exit");
  CLI11_PARSE(app, argc, argv);
  if (selfTest) return runSelfTest() == 0 ? 0 : 1;
  o.media.codec = codec == "h264" ? VideoCodec::kH264 : VideoCodec::kVp8;
  if (o.churnSessions > 0) return runChurnLoad(o);
  return o.room.empty() ? runLoad(o) : runRoomLoad(o);
}
