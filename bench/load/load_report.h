#pragma once
// LoadReport: the figures of one run, printed as a table and written as JSON.

#include <cstdint>
#include <string>
#include <vector>

#include "publisher.h"
#include "run_math.h"
#include "subscriber.h"

namespace rtcgate::load {

// Percentiles of the added latency, in milliseconds.
struct LatencySummary {
  uint64_t samples = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

// Room mode only.
struct RoomFigures {
  std::string room;
  int participants = 0, publishers = 0, publishersConnected = 0, layers = 0, joined = 0;
  int expectedVideoTracks = 0;    // per listener (a publisher expects one fewer)
  int minVideoTracks = 0;         // fewest video tracks any subscriber received in the window
  int subscribersShort = 0;       // participants that received fewer video tracks than expected
  double settleSeconds = 0;       // from the first join until everyone received every track
  uint64_t offers = 0, signalingErrors = 0;
  double videoPacketsPerSubscriber = 0;  // per second, mean
  double videoKbpsPerSubscriber = 0;     // mean
};

struct LoadReport {
  std::string server, stream, codec;
  int requested = 0, connected = 0, signalingFailed = 0, transportFailed = 0, neverGotMedia = 0;
  double seconds = 0;  // measured run time after the publisher started
  double rxPacketsPerSec = 0, rxMbitPerSec = 0;
  double meanLossPct = 0, worstLossPct = 0;            // video, after NACK recovery
  double meanAudioLossPct = 0, worstAudioLossPct = 0;  // audio (no retransmission)
  uint64_t keyframes = 0, minKeyframes = 0, nacksSent = 0, nackedSeqs = 0, rtxReceived = 0, recovered = 0;
  uint64_t plisSent = 0, duplicates = 0, simulatedDrops = 0;
  double firstKeyframeMsP50 = 0, firstKeyframeMsMax = 0;  // from transport connected
  double connectMsP50 = 0, connectMsMax = 0;               // from WHEP POST to DTLS connected
  LatencySummary latency;       // all video packets
  LatencySummary deltaLatency;  // packets of delta frames only
  PublisherStats publisher;
  double publisherPacketsPerSec = 0, publisherMbitPerSec = 0;
  double toolCpuCores = 0;  // this process's CPU time / wall time over the run
  std::vector<std::string> errors;  // first few signaling / transport errors
  bool isRoom = false;
  RoomFigures room;
};

// What a runner sums over the subscribers that received media.
struct ReceiveTotals {
  double packetsPerSec = 0, bitsPerSec = 0;
  std::vector<double> videoLossPct, audioLossPct;
  // One subscriber's figures over `secs` of reception; its feedback counters go into `r`.
  template <typename Stats>
  void add(const Stats& st, double secs, LoadReport& r) {
    packetsPerSec += static_cast<double>(st.packets) / secs;
    bitsPerSec += static_cast<double>(st.bytes) * 8 / secs;
    videoLossPct.push_back(lossPct(st.videoLost, st.videoExpected));
    audioLossPct.push_back(lossPct(st.audioLost, st.audioExpected));
    r.keyframes += st.keyframes;
    r.nacksSent += st.nacksSent;
    r.nackedSeqs += st.nackedSeqs;
    r.rtxReceived += st.rtxPackets;
    r.recovered += st.recovered;
    r.plisSent += st.plisSent;
    r.duplicates += st.duplicates;
  }
  // Rates and loss figures into `r`.
  void finish(LoadReport& r) const;
};

LatencySummary summarizeLatency(std::vector<int32_t>& samplesUs);
// Both summaries of the samples gathered by every worker.
void summarizeLatency(const std::vector<const LatencySamples*>& perWorker, LoadReport& r);
void printReport(const LoadReport& r);
// Writes the report as JSON to `path`; false on I/O error.
bool writeJson(const LoadReport& r, const std::string& path);

}  // namespace rtcgate::load
