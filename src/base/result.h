#pragma once
// Result<T>: a value or an Error, returned by everything on the data plane instead of throwing.

#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

namespace rtcgate {

// Why an operation failed: a stable code (counted in metrics) and a static message.
struct Error {
  enum class Code : uint8_t {
    kTruncated,      // input shorter than its own framing says
    kMalformed,      // a field holds a value the spec forbids
    kUnsupported,    // valid, but something we do not implement
    kAuthFailed,     // integrity or authentication check failed
    kReplay,         // replayed or too-old packet
    kNoSpace,        // output buffer too small
    kState,          // call not valid in the current state
    kNotFound,       // unknown key, session or peer
    kInternal,       // library failure (OpenSSL and such)
    kTimeout,        // a peer or a worker did not answer in time
  };
  Code code = Code::kMalformed;
  const char* message = "";  // static string: no allocation on the data plane

  static constexpr Error truncated(const char* m) { return {Code::kTruncated, m}; }
  static constexpr Error malformed(const char* m) { return {Code::kMalformed, m}; }
  static constexpr Error unsupported(const char* m) { return {Code::kUnsupported, m}; }
  static constexpr Error authFailed(const char* m) { return {Code::kAuthFailed, m}; }
  static constexpr Error noSpace(const char* m) { return {Code::kNoSpace, m}; }
  static constexpr Error state(const char* m) { return {Code::kState, m}; }
};

std::string_view errorCodeName(Error::Code code) noexcept;

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::in_place_index<1>, error) {}          // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : ok_(false), error_(error) {}  // NOLINT(google-explicit-constructor)
  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const { return error_; }

 private:
  bool ok_ = true;
  Error error_{};
};

using Status = Result<void>;

}  // namespace rtcgate

// Propagates the error of a Result-returning expression.
#define RTCGATE_TRY(expr)                    \
  do {                                       \
    auto rtcgate_try_result_ = (expr);       \
    if (!rtcgate_try_result_.ok()) {         \
      return rtcgate_try_result_.error();    \
    }                                        \
  } while (0)
