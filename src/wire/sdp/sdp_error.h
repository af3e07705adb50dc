#pragma once
// SdpError / SdpResult<T>: signaling-side failures that carry a readable reason and the
// 1-based SDP line they concern, so the HTTP layer can answer "400 line 12: ...".

#include <string>
#include <utility>
#include <variant>

#include "base/result.h"

namespace rtcgate::wire::sdp {

// Why an offer could not be parsed or answered; `line` is 0 when no single line is at fault.
struct SdpError {
  std::string reason;
  int line = 0;

  // "line 12: m= line has no port", or just the reason when no line applies.
  std::string toString() const;
  // The data-plane view of this failure (code only; the text stays here).
  Error toError() const { return Error::malformed("invalid SDP"); }
};

// A value or an SdpError. Mirrors rtcgate::Result but with an owned, specific message.
template <typename T>
class [[nodiscard]] SdpResult {
 public:
  SdpResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  SdpResult(SdpError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const SdpError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, SdpError> v_;
};

inline SdpError sdpError(std::string reason, int line = 0) { return SdpError{std::move(reason), line}; }

}  // namespace rtcgate::wire::sdp
