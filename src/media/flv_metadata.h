#pragma once
// The onMetaData object an RTMP egress sends ahead of its tags (FLV spec v10.1 Annex E.5,
// Enhanced RTMP for FourCC codec ids), built from what the FLV bridge knows of the tracks.

#include <optional>

#include "media/flv_demuxer.h"
#include "wire/rtmp/amf0.h"

namespace rtcgate::media {

// The onMetaData ECMA array for the tracks present: width, height and framerate when
// known, videocodecid (7 for H.264, the FourCC for VP9/AV1), audiocodecid (10 for AAC, the
// FourCC for Opus), audiosamplerate, audiosamplesize, audiochannels and stereo. The
// caller sends it as the "@setDataFrame" / "onMetaData" data message.
wire::rtmp::Amf0Value buildFlvMetadata(const std::optional<FlvVideoInfo>& video,
                                       const std::optional<FlvAudioInfo>& audio);

}  // namespace rtcgate::media
