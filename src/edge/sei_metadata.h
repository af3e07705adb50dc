#pragma once
// The timed metadata an RTMP source's H.264 carries as SEI user data unregistered (x264's
// own version SEI left out): one {"type": "sei", "uuid": "...", "data": ...} JSON text per
// message, "data" being the payload as JSON when it is JSON, else as a string when it is
// UTF-8 text, else base64 (with "encoding": "base64"). docs/DATA.md.

#include <string>
#include <vector>

#include "media/h264_sei.h"
#include "media/media_frame.h"

namespace rtcgate::edge {

class SeiMetadataReader {
 public:
  // Appends the messages of `frame`'s SEI NAL units to `out`; frames of other codecs and
  // malformed SEI yield nothing.
  void read(const media::MediaFrame& frame, std::vector<std::string>& out);

 private:
  media::SeiReader reader_;
  std::vector<media::SeiUserData> found_;
};

}  // namespace rtcgate::edge
