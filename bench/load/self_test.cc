#include "self_test.h"

#include <cstdio>
#include <string>

#include "base/random.h"
#include "churn_probe.h"
#include "latency_index.h"
#include "load_runner.h"
#include "media/annex_b.h"
#include "media/h264_depacketizer.h"
#include "media/vp8_depacketizer.h"
#include "media/vp8_packetizer.h"
#include "media_schedule.h"
#include "packetizer.h"
#include "seq_tracker.h"
#include "signaling.h"
#include "room_sdp.h"
#include "wire/sdp/answer_builder.h"
#include "wire/sdp/answer_reader.h"
#include "wire/sdp/offer_builder.h"

namespace rtcgate::load {
namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("  [%s] %s\n", ok ? " ok " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

void checkCodec(VideoCodec codec) {
  const char* name = codec == VideoCodec::kVp8 ? "VP8" : "H.264";
  MediaSourceOptions o;
  o.codec = codec;
  o.width = 640;
  o.height = 360;
  o.seconds = 3;
  o.videoBitrate = 800'000;
  o.keyframeIntervalSec = 1;
  auto clip = encodeClip(o);
  check(clip.ok(), std::string(name) + ": encode 3 s at 640x360" + (clip.ok() ? "" : std::string(": ") + clip.error().message));
  if (!clip.ok()) return;
  check(clip->video.size() == 90, std::string(name) + ": 90 frames, got " + std::to_string(clip->video.size()));
  check(clip->audio.size() == 150, "Opus: 150 frames of 20 ms, got " + std::to_string(clip->audio.size()));
  size_t keyframes = 0, detected = 0, intact = 0, oversize = 0, badMarkers = 0;
  // The whole clip through the receive side, as one RTP stream.
  media::Vp8Depacketizer vp8;
  media::H264Depacketizer h264;
  media::RtpDepacketizer& depacketizer = codec == VideoCodec::kVp8 ? static_cast<media::RtpDepacketizer&>(vp8) : h264;
  std::vector<media::MediaFrame> frames;
  uint16_t seq = 0xfff0;  // wraps within the clip
  for (const auto& f : clip->video) {
    auto packets = packetizeVideo(codec, f.data);
    for (size_t i = 0; i < packets.size(); ++i) {
      if (packets[i].bytes.size() > kMaxRtpPayload) ++oversize;
      if (packets[i].marker != (i + 1 == packets.size())) ++badMarkers;
      if (codec == VideoCodec::kVp8) media::Vp8Packetizer::setPictureId(packets[i].bytes, 0x1234);
    }
    if (!packets.empty()) detected += isKeyframeStart(codec, packets.front().bytes);
    frames.clear();
    const auto ts = static_cast<uint32_t>(f.ptsUs * 90 / 1000);
    for (const auto& p : packets) depacketizer.push(seq++, ts, p.marker, p.bytes, frames);
    const auto expected = codec == VideoCodec::kVp8 ? f.data : media::normalizeAnnexB(f.data);
    intact += frames.size() == 1 && frames[0].data == expected && frames[0].keyframe == f.keyframe;
    keyframes += f.keyframe;
  }
  check(intact == clip->video.size(), std::string(name) + ": depacketized frames identical " + std::to_string(intact) + "/" +
                                          std::to_string(clip->video.size()));
  check(oversize == 0 && badMarkers == 0, std::string(name) + ": payloads <= " + std::to_string(kMaxRtpPayload) +
                                              " bytes, marker only on the last packet of each frame");
  check(keyframes == 3 && detected == keyframes, std::string(name) + ": 3 keyframes encoded, " + std::to_string(detected) +
                                                     " recognised from RTP");
  const MediaSchedule s = buildSchedule(*clip, codec);
  LatencyIndex index;
  index.build(latencyKeys(s), keyframePackets(s));
  size_t video = 0;
  for (const auto& p : s.packets) video += p.video;
  check(index.size() * 100 >= video * 95, std::string(name) + ": " + std::to_string(index.size()) + "/" +
                                              std::to_string(video) + " video packets identifiable for latency");
}

void checkOffer(bool publisher, VideoCodec codec) {
  const std::string what = std::string(publisher ? "WHIP" : "WHEP") + " offer (" + (codec == VideoCodec::kVp8 ? "VP8" : "H.264") + ")";
  OfferParams p;
  p.publisher = publisher;
  p.codec = codec;
  p.iceUfrag = randomIceString(8);
  p.icePwd = randomIceString(24);
  p.fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  p.audioSsrc = 1111;
  p.videoSsrc = 2222;
  p.cname = "selftest";
  wire::sdp::AnswerOptions ao;
  ao.iceUfrag = "srvr";
  ao.icePwd = randomIceString(24);
  ao.fingerprint = p.fingerprint;
  ao.candidates.push_back({"127.0.0.1", 40000, "udp"});
  if (!publisher) {
    ao.sendTracks.push_back({"", "audio", {3333, 0, "c", "s", "a"}});
    ao.sendTracks.push_back({"", "video", {4444, 4445, "c", "s", "v"}});
  }
  wire::sdp::AnswerBuilder builder(ao);
  auto answer = builder.build(buildOffer(p));
  check(answer.ok(), what + " accepted by AnswerBuilder" + (answer.ok() ? "" : std::string(": ") + answer.error().toString()));
  if (!answer.ok()) return;
  auto parsed = parseAnswer(answer->sdp);
  check(parsed.ok(), what + ": answer parses");
  if (!parsed.ok()) return;
  const auto* v = parsed->find("video");
  const auto* a = parsed->find("audio");
  check(v && a && v->pt == kVideoPt && a->pt == kAudioPt, what + ": answer keeps PT 96 video, 111 audio");
  check(v && v->midExtId != 0 && v->transportCcExtId != 0 && v->absSendTimeExtId != 0,
        what + ": mid, transport-cc and abs-send-time extensions accepted");
  check(parsed->candidate && parsed->candidate->port() == 40000 && parsed->weAreDtlsClient,
        what + ": candidate read, we are the DTLS client");
  if (!publisher) check(v && v->rtxPt == kVideoRtxPt, what + ": RTX 97 accepted");
}

constexpr const char* kTestFingerprint =
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

// A room publisher's offer: three rids, no video a=ssrc, the audio level extension.
void checkSimulcastOffer() {
  const std::string what = "room publisher offer (3-layer simulcast)";
  OfferParams p;
  p.publisher = true;
  p.iceUfrag = randomIceString(8);
  p.icePwd = randomIceString(24);
  p.fingerprint = kTestFingerprint;
  p.audioSsrc = 1111;
  p.cname = "selftest";
  p.rids = {"h", "m", "l"};
  p.audioLevel = true;
  wire::sdp::AnswerOptions ao;
  ao.iceUfrag = "srvr";
  ao.icePwd = randomIceString(24);
  ao.fingerprint = p.fingerprint;
  ao.candidates.push_back({"127.0.0.1", 40000, "udp"});
  auto answer = wire::sdp::AnswerBuilder(ao).build(buildOffer(p));
  check(answer.ok(), what + " accepted by AnswerBuilder" + (answer.ok() ? "" : std::string(": ") + answer.error().toString()));
  if (!answer.ok()) return;
  size_t layers = 0;
  for (const auto& m : answer->session.media) layers += m.ridLayers.size();
  check(layers == 3, what + ": 3 rid layers negotiated (" + std::to_string(layers) + ")");
  auto parsed = parseAnswer(answer->sdp);
  const auto* v = parsed.ok() ? parsed->find("video") : nullptr;
  const auto* a = parsed.ok() ? parsed->find("audio") : nullptr;
  check(v && a && v->ridExtId != 0 && v->repairedRidExtId != 0 && a->audioLevelExtId != 0 && v->rtxPt,
        what + ": rid, repaired rid, audio level and RTX accepted");
}

// The server's subscriber offer (OfferBuilder) answered by us and read back by AnswerReader.
void checkRoomAnswer() {
  const std::string what = "room subscriber answer";
  wire::sdp::OfferOptions oo;
  oo.iceUfrag = "srvr";
  oo.icePwd = randomIceString(24);
  oo.fingerprint = kTestFingerprint;
  oo.candidates.push_back({"127.0.0.1", 40000, "udp"});
  oo.sessionId = 77;
  std::vector<wire::sdp::OfferSlot> slots = {
      {"0", "audio", wire::sdp::LocalStream{3333, 0, "c", "s", "a"}, {}},
      {"1", "video", wire::sdp::LocalStream{4444, 4445, "c", "s", "v"}, {}},
      {"2", "video", std::nullopt, {}},  // a recycled slot, inactive
  };
  auto offer = wire::sdp::OfferBuilder(oo).build(slots, 1);
  check(offer.ok(), what + ": OfferBuilder offer built");
  if (!offer.ok()) return;
  auto parsed = parseServerOffer(offer->sdp, VideoCodec::kVp8);
  check(parsed.ok() && parsed->sections.size() == 3, what + ": server offer parses, 3 sections");
  if (!parsed.ok() || parsed->sections.size() != 3) return;
  const auto& video = parsed->sections[1];
  check(video.sending && video.ssrc == 4444 && video.rtxSsrc == 4445 && video.rtxPt && !parsed->sections[2].sending,
        what + ": SSRC 4444, RTX 4445, the recycled slot inactive");
  const std::string answer = buildRoomAnswer(*parsed, AnswerIdentity{"cli1", randomIceString(24), kTestFingerprint, 9});
  auto read = wire::sdp::AnswerReader(offer->media).read(answer);
  check(read.ok(), what + " accepted by AnswerReader" + (read.ok() ? "" : std::string(": ") + read.error().toString()));
}

void checkSeqTracker() {
  SeqTracker t(90000);
  int64_t now = 1'000'000;
  for (uint16_t s = 65530; s != 5; ++s) {
    if (s == 65534 || s == 2) continue;  // two losses across the wrap
    t.onPacket(42, s, 0, now += 1000);
  }
  check(t.expected() == 11 && t.received() == 9 && t.lost() == 2, "SeqTracker: 2 lost of 11 across a wrap");
  std::array<uint16_t, 16> nacks{};
  size_t n = t.takeNacks(now, nacks);
  check(n == 2 && nacks[0] == 65534 && nacks[1] == 2, "SeqTracker: NACKs 65534 and 2, in wrap order");
  check(t.takeNacks(now + 1000, nacks) == 0 && t.takeNacks(now + SeqTracker::kNackRetryUs, nacks) == 2,
        "SeqTracker: NACK retried after the retry interval, not before");
  check(t.onRetransmission(65534) && !t.onRetransmission(65534) && t.lost() == 1, "SeqTracker: RTX fills a gap once");
  check(!t.onPacket(42, 3, 0, now), "SeqTracker: duplicate ignored");
  auto block = t.reportBlock(now);
  check(block.sourceSsrc == 42 && block.cumulativeLost == 1 && block.extendedHighestSeq == 65536 + 4,
        "SeqTracker: RR block cumulative lost 1, extended highest seq 65540");
}

// The whole client side end to end against the in-process forwarder.
void checkLoopbackRun(VideoCodec codec, double dropPct) {
  const std::string name = std::string("loopback run (") + (codec == VideoCodec::kVp8 ? "VP8" : "H.264") + ", " +
                           std::to_string(static_cast<int>(dropPct)) + " % dropped)";
  LoadOptions o;
  o.loopback = true;
  o.loopbackDropPct = dropPct;
  o.subscribers = 4;
  o.durationSec = 4;
  o.media.codec = codec;
  o.media.width = 320;
  o.media.height = 240;
  o.media.videoBitrate = 300'000;
  o.media.seconds = 2;
  o.media.keyframeIntervalSec = 1;
  LoadReport r;
  const int rc = runLoad(o, &r);
  check(rc == 0 && r.connected == 4, name + ": 4/4 subscribers connected");
  check(r.neverGotMedia == 0 && r.rxPacketsPerSec > 0, name + ": every subscriber received media");
  check(r.minKeyframes >= 1, name + ": every subscriber saw a keyframe");
  check(r.worstLossPct < 1.0, name + ": video loss after NACK under 1 % (worst " + std::to_string(r.worstLossPct) + " %)");
  if (dropPct == 0) check(r.worstAudioLossPct == 0, name + ": no audio loss");
  if (dropPct > 0)
    check(r.nacksSent > 0 && r.publisher.retransmitted > 0 && r.recovered > 0,
          name + ": gaps NACKed (" + std::to_string(r.nackedSeqs) + "), retransmitted (" +
              std::to_string(r.publisher.retransmitted) + "), recovered (" + std::to_string(r.recovered) + ")");
  check(r.latency.samples > 100, name + ": latency measured (" + std::to_string(r.latency.samples) + " samples, p50 " +
                                     std::to_string(r.latency.p50) + " ms)");
}

// The soak's memory verdict: steady RSS passes, a slow climb fails, and the rise during
// warm-up does not count.
void checkChurnJudge() {
  const auto series = [](double slopeKbPerSec) {
    std::vector<ServerSample> out;
    for (int t = 0; t <= 3600; t += 10) {
      ServerSample s;
      s.atSec = t;
      const int64_t warmRise = t < 300 ? t * 100 : 30'000;  // allocator pools filling at start
      s.rssKb = 100'000 + warmRise + static_cast<int64_t>(slopeKbPerSec * t) + (t / 10 % 3) * 500;
      out.push_back(s);
    }
    return out;
  };
  const ChurnVerdict flat = judge(series(0), 300, 5);
  check(flat.rssOk && flat.growthPct < 1, "churn: flat RSS after warm-up passes (" + std::to_string(flat.growthPct) + " %)");
  const ChurnVerdict leak = judge(series(3), 300, 5);  // 3 kB/s: ~7 % over the hour
  check(!leak.rssOk, "churn: a 3 kB/s climb fails (" + std::to_string(leak.growthPct) + " %)");
  check(!judge({}, 300, 5).rssOk, "churn: no samples is not a pass");
  check(sessionsInMetrics("# HELP x\nrtcgate_sessions{kind=\"whip\"} 3\nrtcgate_sessions{kind=\"whep\"} 4\n"
                          "rtcgate_sessions_total 9\n") == 7 &&
            sessionsInMetrics("other 1\n") == -1,
        "churn: live sessions summed from /metrics");
}

}  // namespace

int runSelfTest() {
  failures = 0;
  std::printf("rtcgate-load self-test\n");
  checkCodec(VideoCodec::kVp8);
  checkCodec(VideoCodec::kH264);
  for (bool pub : {true, false})
    for (auto c : {VideoCodec::kVp8, VideoCodec::kH264}) checkOffer(pub, c);
  checkSimulcastOffer();
  checkRoomAnswer();
  checkSeqTracker();
  checkChurnJudge();
  checkLoopbackRun(VideoCodec::kVp8, 0);
  checkLoopbackRun(VideoCodec::kH264, 5);
  std::printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures;
}

}  // namespace rtcgate::load
