#pragma once
// AMF0 values, decoder and encoder (Action Message Format AMF0 specification, 2006).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_reader.h"
#include "base/result.h"

namespace rtcgate::wire::rtmp {

// One AMF0 value as an owning tree: RTMP commands and metadata on the control path.
class Amf0Value {
 public:
  // AMF0 §2.1 type markers this codec handles (object end 0x09 only closes containers).
  enum class Type : uint8_t {
    kNumber = 0x00,
    kBoolean = 0x01,
    kString = 0x02,
    kObject = 0x03,
    kNull = 0x05,
    kUndefined = 0x06,
    kEcmaArray = 0x08,
    kStrictArray = 0x0A,
    kDate = 0x0B,
    kLongString = 0x0C,
  };
  using Property = std::pair<std::string, Amf0Value>;

  Amf0Value() = default;  // null
  static Amf0Value number(double v);
  static Amf0Value boolean(bool v);
  static Amf0Value string(std::string_view v);  // long string when over 65535 bytes
  static Amf0Value null() { return Amf0Value(); }
  static Amf0Value undefined();
  static Amf0Value object(std::vector<Property> props = {});
  static Amf0Value ecmaArray(std::vector<Property> props = {});
  static Amf0Value strictArray(std::vector<Amf0Value> items = {});
  static Amf0Value date(double msSinceEpoch, int16_t timeZone = 0);

  Type type() const noexcept { return type_; }
  bool isNumber() const noexcept { return type_ == Type::kNumber || type_ == Type::kDate; }
  bool isString() const noexcept { return type_ == Type::kString || type_ == Type::kLongString; }
  bool isObjectLike() const noexcept { return type_ == Type::kObject || type_ == Type::kEcmaArray; }
  bool isNullish() const noexcept { return type_ == Type::kNull || type_ == Type::kUndefined; }

  double asNumber(double fallback = 0) const noexcept { return isNumber() ? number_ : fallback; }
  bool asBool(bool fallback = false) const noexcept {
    return type_ == Type::kBoolean ? number_ != 0 : fallback;
  }
  std::string_view asString() const noexcept {
    return isString() ? std::string_view(string_) : std::string_view();
  }
  int16_t timeZone() const noexcept { return timeZone_; }
  const std::vector<Property>& properties() const noexcept { return props_; }
  const std::vector<Amf0Value>& items() const noexcept { return items_; }

  // Property of an object or ECMA array by name (first match), or nullptr.
  const Amf0Value* find(std::string_view key) const noexcept;
  // Adds a property (objects and ECMA arrays); returns *this for chaining.
  Amf0Value& set(std::string_view key, Amf0Value value);
  Amf0Value& add(Amf0Value item);  // strict arrays

  bool operator==(const Amf0Value&) const = default;

 private:
  Type type_ = Type::kNull;
  double number_ = 0;  // number, date, boolean (0/1)
  int16_t timeZone_ = 0;
  std::string string_;
  std::vector<Property> props_;
  std::vector<Amf0Value> items_;
};

// Bounds for decoding untrusted input.
struct Amf0Limits {
  int maxDepth = 16;           // nested objects/arrays
  size_t maxElements = 65536;  // properties + items in one message
};

// Decodes one value from `r`. `budget` counts elements left across calls sharing it.
Result<Amf0Value> decodeAmf0(ByteReader& r, const Amf0Limits& limits, size_t& budget) noexcept;
// Decodes every value in `data` (a command or data message body).
Result<std::vector<Amf0Value>> decodeAmf0All(std::span<const uint8_t> data,
                                             const Amf0Limits& limits = {}) noexcept;

// Appends the AMF0 encoding of `v` to `out`.
void encodeAmf0(const Amf0Value& v, std::vector<uint8_t>& out);

}  // namespace rtcgate::wire::rtmp
