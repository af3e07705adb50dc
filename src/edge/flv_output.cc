#include "edge/flv_output.h"

#include "media/flv_metadata.h"
#include "wire/rtmp/amf0.h"

namespace rtcgate::edge {

namespace {

// FLV Annex E.4.3.1 / E.4.2.2: AVCPacketType / AACPacketType 0 is a sequence header.
bool isSequenceHeader(const media::FlvTag& tag) noexcept { return tag.body.size() >= 2 && tag.body[1] == 0; }

}  // namespace

// A metadata message as an FLV data message: an RTMP source's {"type": "onX", "data": v}
// goes back out as onX with v in AMF0; anything else (a WebRTC publisher's text) as
// onTextData {type: "Text", text} (the form ffmpeg writes for subtitles).
std::vector<uint8_t> FlvOutput::flvDataBody(const std::vector<uint8_t>& message) {
  std::vector<uint8_t> body;
  const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_object() && json.contains("data") && json.value("type", "").starts_with("on")) {
    wire::rtmp::encodeAmf0(wire::rtmp::Amf0Value::string(json["type"].get<std::string>()), body);
    wire::rtmp::encodeAmf0(jsonToAmf0(json["data"], 0), body);
    return body;
  }
  wire::rtmp::encodeAmf0(wire::rtmp::Amf0Value::string("onTextData"), body);
  wire::rtmp::encodeAmf0(wire::rtmp::Amf0Value::ecmaArray({{"type", wire::rtmp::Amf0Value::string("Text")},
                                                           {"text", wire::rtmp::Amf0Value::string(text)}}),
                         body);
  return body;
}

wire::rtmp::Amf0Value FlvOutput::jsonToAmf0(const nlohmann::json& j, int depth) {
  using wire::rtmp::Amf0Value;
  if (depth > 8) return Amf0Value::null();
  if (j.is_boolean()) return Amf0Value::boolean(j.get<bool>());
  if (j.is_number()) return Amf0Value::number(j.get<double>());
  if (j.is_string()) return Amf0Value::string(j.get<std::string>());
  if (j.is_array()) {
    std::vector<Amf0Value> items;
    for (const auto& v : j) items.push_back(jsonToAmf0(v, depth + 1));
    return Amf0Value::strictArray(std::move(items));
  }
  if (j.is_object()) {
    std::vector<Amf0Value::Property> props;
    for (const auto& [k, v] : j.items()) props.emplace_back(k, jsonToAmf0(v, depth + 1));
    return Amf0Value::ecmaArray(std::move(props));
  }
  return Amf0Value::null();
}

void FlvOutput::restart() {
  muxer_.restart();
  metadataSent_ = false;
  firstFrameAtMs_ = -1;
  dropVideoToKeyframe_ = false;
  held_.clear();
  heldBytes_ = 0;
}

bool FlvOutput::push(const media::MediaFrame& frame, FlvTagOutput& out) {
  if (firstFrameAtMs_ < 0) firstFrameAtMs_ = clock_.nowMs();
  tags_.clear();
  if (!muxer_.push(frame, tags_).ok()) {
    ++framesDropped_;  // a codec RTMP cannot carry: the owner picked the wrong rendition
    return false;
  }
  // Timed metadata goes right before its frame, at the frame's time (once players have
  // had onMetaData; a frame dropped for congestion keeps its metadata going).
  if (!frame.metadata.empty() && !tags_.empty() && metadataSent_) {
    for (const auto& m : frame.metadata) {
      const auto body = flvDataBody(*m);
      if (!body.empty()) (void)out.sendFlvData(tags_.back().timestampMs, body);  // fails only when closed
    }
  }
  if (!metadataSent_) {
    for (auto& t : tags_) {
      heldBytes_ += t.body.size();
      held_.push_back(std::move(t));
    }
    if (!maybeSendMetadata(out)) return true;
    for (const auto& t : held_) sendTag(t, out);
    held_.clear();
    heldBytes_ = 0;
    return true;
  }
  for (const auto& t : tags_) sendTag(t, out);
  return true;
}

// onMetaData goes first, once both tracks are known or the wait is over.
bool FlvOutput::maybeSendMetadata(FlvTagOutput& out) {
  const bool complete = muxer_.video().has_value() && muxer_.audio().has_value();
  const bool waited = clock_.nowMs() - firstFrameAtMs_ >= options_.metadataWaitMs;
  if (!complete && !waited && heldBytes_ < options_.maxQueuedBytes) return false;
  metadataSent_ = true;
  (void)out.sendFlvMetadata(media::buildFlvMetadata(muxer_.video(), muxer_.audio()));
  return true;
}

void FlvOutput::sendTag(const media::FlvTag& tag, FlvTagOutput& out) {
  if (dropForCongestion(tag, out)) {
    ++framesDropped_;
    return;
  }
  if (out.sendFlvTag(tag).ok() && !isSequenceHeader(tag)) ++framesSent_;
}

// A slow peer: past the queue limits, video is dropped up to the next keyframe that finds
// the queue drained; past twice the byte limit, audio goes too. Sequence headers always go
// (decoders need them, and they are tiny and rare).
bool FlvOutput::dropForCongestion(const media::FlvTag& tag, const FlvTagOutput& out) {
  if (isSequenceHeader(tag)) return false;
  const size_t queued = out.queuedBytes();
  const bool congested = queued > options_.maxQueuedBytes || out.queuedAgeMs() > options_.maxQueuedMs;
  if (!tag.video) return queued > 2 * options_.maxQueuedBytes;
  if (congested) {
    dropVideoToKeyframe_ = true;
  } else if (tag.keyframe) {
    dropVideoToKeyframe_ = false;
  }
  return dropVideoToKeyframe_;
}

}  // namespace rtcgate::edge
