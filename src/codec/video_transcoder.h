#pragma once
// VideoTranscoder: H.264, VP8 or VP9 in; H.264 Constrained Baseline and/or VP8 out, every
// output encoded from the same decoded picture.

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/ffmpeg_ptr.h"
#include "codec/transcoder.h"
#include "codec/video_decoder.h"
#include "codec/video_encoder.h"

namespace rtcgate::codec {

// Decode, convert to yuv420p when the source is not (and scale within spec.maxPixels),
// encode. The encoder opens on the first picture and reopens when the picture size
// changes, at most once a second of input: a source that keeps changing size is scaled
// to the encoder's size in between (reopening costs a keyframe and real CPU); keyframes come every
// keyframeIntervalMs of output time and on request. After a loss the input is skipped
// until its next keyframe, so the decoder never works from a missing reference.
class VideoTranscoder final : public Transcoder {
 public:
  // Least input time between two output sizes.
  static constexpr int64_t kMinUsBetweenSizes = 1'000'000;

  static Result<std::unique_ptr<VideoTranscoder>> create(const TranscodeSpec& spec);

  Status push(const media::MediaFrame& in, std::vector<media::MediaFrame>& out) override;
  void requestKeyframe() override {
    for (auto& o : outputs_) o.keyframeRequested = true;
  }
  uint64_t framesSkipped() const noexcept override { return skipped_; }
  // Pictures decoded (once each, whatever the number of outputs).
  uint64_t picturesDecoded() const noexcept { return decoded_; }

 private:
  VideoTranscoder(const TranscodeSpec& spec, std::unique_ptr<VideoDecoder> decoder);
  // One output codec: its encoder (opened on the first picture, reopened on a new size)
  // and its keyframe schedule.
  struct Output {
    media::MediaCodec codec;
    std::unique_ptr<VideoEncoder> encoder;
    bool keyframeRequested = false;
    int64_t lastKeyframeUs = INT64_MIN;  // of the last keyframe out
  };
  Status encodePicture(AVFrame* picture, std::vector<media::MediaFrame>& out);
  Status encodeFor(Output& o, AVFrame* yuv, int64_t ptsUs, std::vector<media::MediaFrame>& out);
  // The picture as the encoders take it: yuv420p at the output size.
  AVFrame* toOutput(AVFrame* picture);
  // Chooses the output size for a picture of the source's size.
  void chooseOutputSize(int width, int height, int64_t ptsUs);
  int64_t pictureTime(const AVFrame& picture);
  // The output time of a picture: on the encoder's frame grid (what its SPS says).
  int64_t onGrid(int64_t ptsUs);
  Status ensureEncoder(Output& o, int width, int height);
  // Puts the frame's metadata in front of its NAL units as SEI user data (spec.seiMetadata).
  static void addSei(media::MediaFrame& frame);

  TranscodeSpec spec_;
  std::unique_ptr<VideoDecoder> decoder_;
  std::vector<Output> outputs_;
  SwsPtr scaler_;
  FramePtr converted_;
  bool waitForKeyframe_ = false;
  uint64_t skipped_ = 0;
  uint64_t decoded_ = 0;
  int outWidth_ = 0;                  // output size; 0 until the first picture
  int outHeight_ = 0;
  int64_t outSizeSinceUs_ = INT64_MIN;  // input time the output size was chosen
  // Timed metadata of input frames, given to the next frame encoded (bounded).
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> metadata_;
  int64_t lastPtsUs_ = INT64_MIN;     // of the last picture encoded
  double frameIntervalUs_ = 0;        // smoothed input frame interval; 0 until known
  int64_t gridBaseUs_ = INT64_MIN;    // output time of grid slot 0
  int64_t gridSlot_ = 0;              // slot of the last picture out
  int64_t lastOutUs_ = INT64_MIN;     // output time of the last picture
};

}  // namespace rtcgate::codec
