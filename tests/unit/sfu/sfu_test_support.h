#pragma once
// Test doubles for the SFU's frame graph: a worker host without threads or sockets, frame
// sinks and renditions listeners that record what reaches them, an executor the test runs
// by hand, small synthetic frames and an RTP sender of VP8 and Opus.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_writer.h"
#include "base/clock.h"
#include "base/executor.h"
#include "base/packet_buffer.h"
#include "crypto/dtls/certificate.h"
#include "media/annex_b.h"
#include "media/media_frame.h"
#include "media/opus_packetizer.h"
#include "media/vp8_packetizer.h"
#include "sfu/frame_sink.h"
#include "sfu/renditions.h"
#include "sfu/router.h"
#include "sfu/peer_host.h"

namespace rtcgate::sfu::testing {

using FramePtr = std::shared_ptr<const media::MediaFrame>;

// A worker without threads or sockets: fake clock, datagrams and frame-source ends recorded.
struct FakeHost : PeerHost {
  FakeHost() {
    auto cert = crypto::dtls::Certificate::generate();
    auto ctx = crypto::dtls::DtlsContext::create(
        std::shared_ptr<const crypto::dtls::Certificate>(std::move(*cert)), {});
    dtls = std::move(*ctx);
  }
  Clock& clock() override { return fake; }
  PacketPool& pool() override { return packets; }
  crypto::dtls::DtlsContext& dtlsContext() override { return *dtls; }
  transport::webrtc::PeerDemux& demux() override { return peers; }
  void sendDatagram(PacketRef, const SocketAddress&) override { ++sent; }
  void onPeerEnded(Peer& s, std::string_view reason) override {
    ended.emplace_back(s.id(), std::string(reason));
    if (router) router->onPeerEnded(s);
  }
  void onFrameSourceEnded(const std::string& id, std::string_view reason) override {
    frameSourcesEnded.emplace_back(id, std::string(reason));
  }

  FakeClock fake;
  PacketPool packets{64};
  std::unique_ptr<crypto::dtls::DtlsContext> dtls;
  transport::webrtc::PeerDemux peers;
  Router* router = nullptr;
  int sent = 0;
  std::vector<std::pair<std::string, std::string>> ended;
  std::vector<std::pair<std::string, std::string>> frameSourcesEnded;
};

// What reached one RecordingSink; shared, so a test can read it after the router
// destroyed the sink.
struct SinkLog {
  std::vector<FramePtr> frames;
  std::vector<std::string> endReasons;

  size_t count(media::MediaCodec codec) const {
    size_t n = 0;
    for (const auto& f : frames) n += f->codec == codec ? 1 : 0;
    return n;
  }
  std::vector<FramePtr> of(media::MediaCodec codec) const {
    std::vector<FramePtr> out;
    for (const auto& f : frames)
      if (f->codec == codec) out.push_back(f);
    return out;
  }
};

// A frame sink that records every frame and end notice.
class RecordingSink final : public FrameSink {
 public:
  explicit RecordingSink(FrameWants wants = {}) : wants_(wants) {}
  const FrameWants& wants() const noexcept override { return wants_; }
  void onFrame(const FramePtr& frame) override { log->frames.push_back(frame); }
  void onStreamEnded(std::string_view reason) override { log->endReasons.emplace_back(reason); }

  std::shared_ptr<SinkLog> log = std::make_shared<SinkLog>();

 private:
  FrameWants wants_;
};

// Counts the keyframe requests renditions make of their source.
struct RecordingListener final : RenditionsListener {
  void onSourceKeyframeNeeded() override { ++keyframeRequests; }
  int keyframeRequests = 0;
};

// A thread's queue of closures, run by the test's own loop (the codec pool posts here).
class TestExecutor final : public Executor {
 public:
  void post(std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    cv_.notify_one();
  }

  // Runs posted closures on this thread until `done` holds or `timeout` passes.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      std::unique_lock lock(mutex_);
      if (!cv_.wait_until(lock, deadline, [this] { return !queue_.empty(); })) return done();
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

// A frame of `codec` whose bytes only have to be distinct (pass-through never parses them).
inline FramePtr makeFrame(media::MediaCodec codec, int64_t ptsUs, bool keyframe, size_t size = 100) {
  auto f = std::make_shared<media::MediaFrame>();
  f->codec = codec;
  f->ptsUs = ptsUs;
  f->dtsUs = ptsUs;
  f->keyframe = keyframe;
  f->data.assign(size, static_cast<uint8_t>(ptsUs / 1000));
  return f;
}

// A synthetic H.264 access unit in Annex B: SPS, PPS and an IDR slice of `sliceSize` bytes
// for a keyframe, else one non-IDR slice. Good enough for packetizing, not for decoding.
inline FramePtr makeH264(int64_t ptsUs, bool keyframe, size_t sliceSize = 3000) {
  auto f = std::make_shared<media::MediaFrame>();
  f->codec = media::MediaCodec::kH264;
  f->ptsUs = ptsUs;
  f->dtsUs = ptsUs;
  f->keyframe = keyframe;
  const std::vector<uint8_t> sps = {0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80};
  const std::vector<uint8_t> pps = {0x68, 0xce, 0x3c, 0x80};
  std::vector<uint8_t> slice(sliceSize, 0x5a);
  slice[0] = keyframe ? 0x65 : 0x41;
  if (keyframe) {
    media::appendNal(f->data, sps);
    media::appendNal(f->data, pps);
    media::appendNal(f->config, sps);
    media::appendNal(f->config, pps);
  }
  media::appendNal(f->data, slice);
  return f;
}

using Bytes = std::vector<uint8_t>;

// One RTP track as a sender makes it: sequence numbers, timestamps from frame time.
class RtpSender {
 public:
  RtpSender(uint32_t ssrc, uint32_t clockRate, uint32_t tsBase, uint16_t seq)
      : ssrc_(ssrc), rate_(clockRate), tsBase_(tsBase), seq_(seq) {}

  // A VP8 frame as RFC 7741 packets.
  std::vector<Bytes> vp8(const Bytes& frame, int64_t ptsUs) {
    media::Vp8Packetizer packetizer(1000);
    packetizer.setFrame(frame, pictureId_++);
    std::vector<Bytes> out;
    while (packetizer.hasNext()) {
      Bytes p(1200);
      auto payload = packetizer.next(std::span<uint8_t>(p).subspan(12));
      EXPECT_TRUE(payload.ok());
      header(p, payload->marker, ptsUs);
      p.resize(12 + payload->size);
      out.push_back(std::move(p));
    }
    return out;
  }

  // An Opus packet as RFC 7587 RTP.
  Bytes opus(const Bytes& frame, int64_t ptsUs) {
    Bytes p(1200);
    auto payload = media::OpusPacketizer::packetize(frame, std::span<uint8_t>(p).subspan(12));
    EXPECT_TRUE(payload.ok());
    header(p, payload->marker, ptsUs);
    p.resize(12 + payload->size);
    return p;
  }

 private:
  void header(Bytes& p, bool marker, int64_t ptsUs) {
    p[0] = 0x80;
    p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | 96);
    storeU16(p.data() + 2, seq_++);
    storeU32(p.data() + 4, tsBase_ + static_cast<uint32_t>(ptsUs * rate_ / 1'000'000));
    storeU32(p.data() + 8, ssrc_);
  }

  uint32_t ssrc_;
  uint32_t rate_;
  uint32_t tsBase_;
  uint16_t seq_;
  uint16_t pictureId_ = 0;
};

// A VP8 frame whose first byte says key or inter (RFC 7741 §4.3, the P bit) and whose
// other bytes tell frames apart.
inline Bytes vp8Frame(bool key, size_t size, uint8_t fill) {
  Bytes f(size, fill);
  f[0] = key ? 0x00 : 0x01;
  return f;
}

}  // namespace rtcgate::sfu::testing
