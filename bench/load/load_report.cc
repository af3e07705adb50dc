#include "load_report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

namespace rtcgate::load {

LatencySummary summarizeLatency(std::vector<int32_t>& v) {
  LatencySummary s;
  s.samples = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))] / 1000.0; };
  s.p50 = at(0.50);
  s.p95 = at(0.95);
  s.p99 = at(0.99);
  s.max = v.back() / 1000.0;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()) / 1000.0;
  return s;
}

void summarizeLatency(const std::vector<const LatencySamples*>& perWorker, LoadReport& r) {
  std::vector<int32_t> all, delta;
  for (const LatencySamples* s : perWorker) {
    all.insert(all.end(), s->all.begin(), s->all.end());
    delta.insert(delta.end(), s->delta.begin(), s->delta.end());
  }
  r.latency = summarizeLatency(all);
  r.deltaLatency = summarizeLatency(delta);
}

void ReceiveTotals::finish(LoadReport& r) const {
  r.rxPacketsPerSec = packetsPerSec;
  r.rxMbitPerSec = bitsPerSec / 1e6;
  r.meanLossPct = mean(videoLossPct);
  r.worstLossPct = percentile(videoLossPct, 1.0);
  r.meanAudioLossPct = mean(audioLossPct);
  r.worstAudioLossPct = percentile(audioLossPct, 1.0);
}

void printReport(const LoadReport& r) {
  std::printf("\n== rtcgate-load: %s stream '%s' (%s), %.1f s ==\n", r.server.c_str(), r.stream.c_str(), r.codec.c_str(), r.seconds);
  std::printf("  %-32s %d requested, %d connected, %d signaling failed, %d transport failed, %d without media\n",
              "subscribers", r.requested, r.connected, r.signalingFailed, r.transportFailed, r.neverGotMedia);
  if (r.isRoom) {
    const RoomFigures& f = r.room;
    std::printf("  %-32s '%s': %d participants (%d joined), %d publishers (%d connected), %d simulcast layers\n",
                "room", f.room.c_str(), f.participants, f.joined, f.publishers, f.publishersConnected, f.layers);
    std::printf("  %-32s %d publishers' (a publisher's own excluded), fewest received %d, %d participants short; "
                "settled in %.1f s; %llu offers, %llu signaling errors\n",
                "video tracks per subscriber", f.expectedVideoTracks, f.minVideoTracks, f.subscribersShort, f.settleSeconds,
                static_cast<unsigned long long>(f.offers), static_cast<unsigned long long>(f.signalingErrors));
    std::printf("  %-32s %.0f pkt/s, %.0f kbit/s per subscriber\n", "received video", f.videoPacketsPerSubscriber,
                f.videoKbpsPerSubscriber);
  }
  if (!r.isRoom) std::printf("  %-32s p50 %.1f ms, max %.1f ms\n", "connect time (POST -> DTLS)", r.connectMsP50, r.connectMsMax);
  std::printf("  %-32s %.0f pkt/s, %.1f Mbit/s\n", "received (all subscribers)", r.rxPacketsPerSec, r.rxMbitPerSec);
  std::printf("  %-32s mean %.3f %%, worst %.3f %%\n", "video loss after NACK recovery", r.meanLossPct, r.worstLossPct);
  std::printf("  %-32s mean %.3f %%, worst %.3f %%\n", "audio loss", r.meanAudioLossPct, r.worstAudioLossPct);
  for (const auto& [name, l] : {std::pair<const char*, const LatencySummary&>{"added latency (video)", r.latency},
                                {"  delta frames only", r.deltaLatency}})
    std::printf("  %-32s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (%llu samples)\n", name, l.p50, l.p95,
                l.p99, l.max, static_cast<unsigned long long>(l.samples));
  std::printf("  %-32s %llu total, min %llu per subscriber; first after p50 %.0f ms, max %.0f ms\n", "keyframes",
              static_cast<unsigned long long>(r.keyframes), static_cast<unsigned long long>(r.minKeyframes),
              r.firstKeyframeMsP50, r.firstKeyframeMsMax);
  if (r.simulatedDrops != 0)
    std::printf("  %-32s %llu video packets discarded on arrival (--drop-pct)\n", "simulated loss",
                static_cast<unsigned long long>(r.simulatedDrops));
  std::printf("  %-32s %llu NACKs (%llu seqs), %llu RTX received, %llu recovered, %llu PLIs, %llu duplicates\n",
              "subscriber feedback", static_cast<unsigned long long>(r.nacksSent), static_cast<unsigned long long>(r.nackedSeqs),
              static_cast<unsigned long long>(r.rtxReceived), static_cast<unsigned long long>(r.recovered),
              static_cast<unsigned long long>(r.plisSent), static_cast<unsigned long long>(r.duplicates));
  std::printf("  %-32s %.0f pkt/s, %.2f Mbit/s; %llu NACKs in, %llu retransmitted, %llu PLIs in (+%llu not for video), %llu keyframes forced, %llu send errors\n",
              "publisher sent", r.publisherPacketsPerSec, r.publisherMbitPerSec,
              static_cast<unsigned long long>(r.publisher.nacksReceived), static_cast<unsigned long long>(r.publisher.retransmitted),
              static_cast<unsigned long long>(r.publisher.plisReceived), static_cast<unsigned long long>(r.publisher.plisIgnored),
              static_cast<unsigned long long>(r.publisher.keyframesForced),
              static_cast<unsigned long long>(r.publisher.sendErrors));
  std::printf("  %-32s %.2f cores (when near the machine's core count, the tool is the bottleneck)\n",
              "rtcgate-load's own CPU", r.toolCpuCores);
  for (const auto& e : r.errors) std::printf("  error: %s\n", e.c_str());
}

bool writeJson(const LoadReport& r, const std::string& path) {
  nlohmann::json j;
  j["server"] = r.server;
  j["stream"] = r.stream;
  j["codec"] = r.codec;
  j["seconds"] = r.seconds;
  j["subscribers"] = {{"requested", r.requested}, {"connected", r.connected}, {"signalingFailed", r.signalingFailed},
                      {"transportFailed", r.transportFailed}, {"withoutMedia", r.neverGotMedia},
                      {"connectMsP50", r.connectMsP50}, {"connectMsMax", r.connectMsMax}};
  j["received"] = {{"packetsPerSec", r.rxPacketsPerSec}, {"mbitPerSec", r.rxMbitPerSec}};
  j["lossPct"] = {{"videoMean", r.meanLossPct}, {"videoWorst", r.worstLossPct},
                  {"audioMean", r.meanAudioLossPct}, {"audioWorst", r.worstAudioLossPct}};
  j["latencyMs"] = {{"p50", r.latency.p50}, {"p95", r.latency.p95}, {"p99", r.latency.p99},
                    {"max", r.latency.max}, {"mean", r.latency.mean}, {"samples", r.latency.samples}};
  j["deltaLatencyMs"] = {{"p50", r.deltaLatency.p50}, {"p95", r.deltaLatency.p95}, {"p99", r.deltaLatency.p99},
                         {"max", r.deltaLatency.max}, {"mean", r.deltaLatency.mean}, {"samples", r.deltaLatency.samples}};
  j["keyframes"] = {{"total", r.keyframes}, {"minPerSubscriber", r.minKeyframes},
                    {"firstAfterMsP50", r.firstKeyframeMsP50}, {"firstAfterMsMax", r.firstKeyframeMsMax}};
  j["feedback"] = {{"nacksSent", r.nacksSent}, {"nackedSeqs", r.nackedSeqs}, {"rtxReceived", r.rtxReceived},
                   {"recovered", r.recovered}, {"plisSent", r.plisSent}, {"duplicates", r.duplicates},
                   {"simulatedDrops", r.simulatedDrops}};
  j["publisher"] = {{"packets", r.publisher.packets}, {"packetsPerSec", r.publisherPacketsPerSec},
                    {"mbitPerSec", r.publisherMbitPerSec}, {"nacksReceived", r.publisher.nacksReceived},
                    {"retransmitted", r.publisher.retransmitted}, {"plisReceived", r.publisher.plisReceived},
                    {"keyframesForced", r.publisher.keyframesForced}, {"plisNotForVideo", r.publisher.plisIgnored},
                    {"sendErrors", r.publisher.sendErrors}};
  j["toolCpuCores"] = r.toolCpuCores;
  if (r.isRoom) {
    const RoomFigures& f = r.room;
    j["room"] = {{"name", f.room}, {"participants", f.participants}, {"joined", f.joined},
                 {"publishers", f.publishers}, {"publishersConnected", f.publishersConnected}, {"layers", f.layers},
                 {"expectedVideoTracks", f.expectedVideoTracks}, {"minVideoTracks", f.minVideoTracks}, {"subscribersShort", f.subscribersShort},
                 {"settleSeconds", f.settleSeconds}, {"offers", f.offers}, {"signalingErrors", f.signalingErrors},
                 {"videoPacketsPerSubscriber", f.videoPacketsPerSubscriber},
                 {"videoKbpsPerSubscriber", f.videoKbpsPerSubscriber}};
  }
  j["errors"] = r.errors;
  std::ofstream f(path);
  f << j.dump(2) << '\n';
  return static_cast<bool>(f);
}

}  // namespace rtcgate::load
