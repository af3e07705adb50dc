#include "base/result.h"

namespace rtcgate {

std::string_view errorCodeName(Error::Code code) noexcept {
  switch (code) {
    case Error::Code::kTruncated: return "truncated";
    case Error::Code::kMalformed: return "malformed";
    case Error::Code::kUnsupported: return "unsupported";
    case Error::Code::kAuthFailed: return "auth_failed";
    case Error::Code::kReplay: return "replay";
    case Error::Code::kNoSpace: return "no_space";
    case Error::Code::kState: return "state";
    case Error::Code::kNotFound: return "not_found";
    case Error::Code::kInternal: return "internal";
    case Error::Code::kTimeout: return "timeout";
  }
  return "unknown";
}

}  // namespace rtcgate
