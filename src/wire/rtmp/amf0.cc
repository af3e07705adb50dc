#include "wire/rtmp/amf0.h"

#include <bit>
#include <cstring>
#include <exception>

namespace rtcgate::wire::rtmp {
namespace {

constexpr uint8_t kObjectEnd = 0x09;  // AMF0 §2.11

// The decoders below allocate (strings, vectors) and may throw std::bad_alloc; the public
// entry points turn that into an error, so a hostile message never ends the process.
Result<Amf0Value> decodeValue(ByteReader& r, const Amf0Limits& limits, size_t& budget);

Result<double> readDouble(ByteReader& r) noexcept {
  uint64_t bits = 0;
  if (!r.readU64(bits)) return Error::truncated("amf0 number");
  return std::bit_cast<double>(bits);  // AMF0 §2.2: IEEE-754 double, network order
}

Result<std::string> readString(ByteReader& r, bool isLong) {
  uint32_t len = 0;
  uint16_t shortLen = 0;
  if (isLong) {
    if (!r.readU32(len)) return Error::truncated("amf0 long string length");
  } else {
    if (!r.readU16(shortLen)) return Error::truncated("amf0 string length");
    len = shortLen;
  }
  std::span<const uint8_t> bytes;
  if (!r.readBytes(len, bytes)) return Error::truncated("amf0 string body");
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// AMF0 §2.5/§2.10: UTF-8 key, value pairs until an empty key followed by object end.
Result<std::vector<Amf0Value::Property>> readProperties(ByteReader& r, const Amf0Limits& limits,
                                                        size_t& budget, int depth) {
  std::vector<Amf0Value::Property> props;
  Amf0Limits inner = limits;
  inner.maxDepth = depth - 1;
  for (;;) {
    auto key = readString(r, false);
    if (!key.ok()) return key.error();
    const auto rest = r.rest();
    if (key->empty() && !rest.empty() && rest[0] == kObjectEnd) {
      r.skip(1);
      return props;
    }
    if (budget == 0) return Error::malformed("amf0 too many elements");
    --budget;
    auto value = decodeValue(r, inner, budget);
    if (!value.ok()) return value.error();
    props.emplace_back(std::move(*key), std::move(*value));
  }
}

Result<Amf0Value> decodeContainer(uint8_t marker, ByteReader& r, const Amf0Limits& limits,
                                  size_t& budget) {
  if (limits.maxDepth <= 0) return Error::malformed("amf0 nesting too deep");
  if (marker == 0x0A) {  // AMF0 §2.12: count then that many values
    uint32_t count = 0;
    if (!r.readU32(count)) return Error::truncated("amf0 strict array count");
    if (count > r.remaining() || count > budget) return Error::malformed("amf0 strict array count");
    budget -= count;
    std::vector<Amf0Value> items;
    items.reserve(count);
    Amf0Limits inner = limits;
    inner.maxDepth = limits.maxDepth - 1;
    for (uint32_t i = 0; i < count; ++i) {
      auto v = decodeValue(r, inner, budget);
      if (!v.ok()) return v.error();
      items.push_back(std::move(*v));
    }
    return Amf0Value::strictArray(std::move(items));
  }
  // AMF0 §2.10: the ECMA array count is only a hint (encoders get it wrong); the
  // object-end marker is what terminates it.
  if (marker == 0x08 && !r.skip(4)) return Error::truncated("amf0 ecma array count");
  auto props = readProperties(r, limits, budget, limits.maxDepth);
  if (!props.ok()) return props.error();
  return marker == 0x08 ? Amf0Value::ecmaArray(std::move(*props)) : Amf0Value::object(std::move(*props));
}

}  // namespace

Amf0Value Amf0Value::number(double v) {
  Amf0Value a;
  a.type_ = Type::kNumber;
  a.number_ = v;
  return a;
}
Amf0Value Amf0Value::boolean(bool v) {
  Amf0Value a;
  a.type_ = Type::kBoolean;
  a.number_ = v ? 1 : 0;
  return a;
}
Amf0Value Amf0Value::string(std::string_view v) {
  Amf0Value a;
  a.type_ = v.size() > 0xFFFF ? Type::kLongString : Type::kString;
  a.string_ = std::string(v);
  return a;
}
Amf0Value Amf0Value::undefined() {
  Amf0Value a;
  a.type_ = Type::kUndefined;
  return a;
}
Amf0Value Amf0Value::object(std::vector<Property> props) {
  Amf0Value a;
  a.type_ = Type::kObject;
  a.props_ = std::move(props);
  return a;
}
Amf0Value Amf0Value::ecmaArray(std::vector<Property> props) {
  Amf0Value a = object(std::move(props));
  a.type_ = Type::kEcmaArray;
  return a;
}
Amf0Value Amf0Value::strictArray(std::vector<Amf0Value> items) {
  Amf0Value a;
  a.type_ = Type::kStrictArray;
  a.items_ = std::move(items);
  return a;
}
Amf0Value Amf0Value::date(double msSinceEpoch, int16_t timeZone) {
  Amf0Value a = number(msSinceEpoch);
  a.type_ = Type::kDate;
  a.timeZone_ = timeZone;
  return a;
}

const Amf0Value* Amf0Value::find(std::string_view key) const noexcept {
  for (const auto& [k, v] : props_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Amf0Value& Amf0Value::set(std::string_view key, Amf0Value value) {
  props_.emplace_back(std::string(key), std::move(value));
  return *this;
}

Amf0Value& Amf0Value::add(Amf0Value item) {
  items_.push_back(std::move(item));
  return *this;
}

namespace {

Result<Amf0Value> decodeValue(ByteReader& r, const Amf0Limits& limits, size_t& budget) {
  uint8_t marker = 0;
  if (!r.readU8(marker)) return Error::truncated("amf0 type marker");
  switch (marker) {
    case 0x00: {
      auto d = readDouble(r);
      if (!d.ok()) return d.error();
      return Amf0Value::number(*d);
    }
    case 0x01: {
      uint8_t b = 0;
      if (!r.readU8(b)) return Error::truncated("amf0 boolean");
      return Amf0Value::boolean(b != 0);
    }
    case 0x02:
    case 0x0C: {
      auto s = readString(r, marker == 0x0C);
      if (!s.ok()) return s.error();
      return Amf0Value::string(*s);
    }
    case 0x05:
      return Amf0Value::null();
    case 0x06:
      return Amf0Value::undefined();
    case 0x03:
    case 0x08:
    case 0x0A:
      return decodeContainer(marker, r, limits, budget);
    case 0x0B: {  // AMF0 §2.13: ms since epoch, then a (reserved) 16-bit time zone
      auto d = readDouble(r);
      uint16_t tz = 0;
      if (!d.ok()) return d.error();
      if (!r.readU16(tz)) return Error::truncated("amf0 date time zone");
      return Amf0Value::date(*d, static_cast<int16_t>(tz));
    }
    case kObjectEnd:
      return Error::malformed("amf0 object end outside an object");
    default:
      return Error::unsupported("amf0 type marker");  // reference, typed object, AMF3 switch...
  }
}

}  // namespace

Result<Amf0Value> decodeAmf0(ByteReader& r, const Amf0Limits& limits, size_t& budget) noexcept {
  try {
    return decodeValue(r, limits, budget);
  } catch (const std::exception&) {  // bad_alloc, length_error
    return Error::noSpace("amf0: out of memory");
  }
}

Result<std::vector<Amf0Value>> decodeAmf0All(std::span<const uint8_t> data,
                                             const Amf0Limits& limits) noexcept {
  try {
    ByteReader r(data);
    size_t budget = limits.maxElements;
    std::vector<Amf0Value> values;
    while (!r.empty()) {
      if (budget == 0) return Error::malformed("amf0 too many elements");
      --budget;
      auto v = decodeValue(r, limits, budget);
      if (!v.ok()) return v.error();
      values.push_back(std::move(*v));
    }
    return values;
  } catch (const std::exception&) {
    return Error::noSpace("amf0: out of memory");
  }
}

namespace {

void putU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void putU32(std::vector<uint8_t>& out, uint32_t v) {
  putU16(out, static_cast<uint16_t>(v >> 16));
  putU16(out, static_cast<uint16_t>(v));
}
void putDouble(std::vector<uint8_t>& out, double d) {
  const auto bits = std::bit_cast<uint64_t>(d);
  putU32(out, static_cast<uint32_t>(bits >> 32));
  putU32(out, static_cast<uint32_t>(bits));
}
void putKey(std::vector<uint8_t>& out, std::string_view s) {
  const size_t n = std::min<size_t>(s.size(), 0xFFFF);  // keys have 16-bit lengths
  putU16(out, static_cast<uint16_t>(n));
  out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
}
void putProperties(std::vector<uint8_t>& out, const std::vector<Amf0Value::Property>& props) {
  for (const auto& [k, v] : props) {
    putKey(out, k);
    encodeAmf0(v, out);
  }
  putU16(out, 0);
  out.push_back(kObjectEnd);
}

}  // namespace

void encodeAmf0(const Amf0Value& v, std::vector<uint8_t>& out) {
  const std::string_view s = v.asString();
  const bool longString = v.isString() && s.size() > 0xFFFF;
  out.push_back(static_cast<uint8_t>(longString ? Amf0Value::Type::kLongString : v.type()));
  switch (v.type()) {
    case Amf0Value::Type::kNumber:
      putDouble(out, v.asNumber());
      break;
    case Amf0Value::Type::kBoolean:
      out.push_back(v.asBool() ? 1 : 0);
      break;
    case Amf0Value::Type::kString:
    case Amf0Value::Type::kLongString:
      if (longString) {
        putU32(out, static_cast<uint32_t>(s.size()));
      } else {
        putU16(out, static_cast<uint16_t>(s.size()));
      }
      out.insert(out.end(), s.begin(), s.end());
      break;
    case Amf0Value::Type::kObject:
      putProperties(out, v.properties());
      break;
    case Amf0Value::Type::kEcmaArray:
      putU32(out, static_cast<uint32_t>(v.properties().size()));
      putProperties(out, v.properties());
      break;
    case Amf0Value::Type::kStrictArray:
      putU32(out, static_cast<uint32_t>(v.items().size()));
      for (const auto& item : v.items()) encodeAmf0(item, out);
      break;
    case Amf0Value::Type::kDate:
      putDouble(out, v.asNumber());
      putU16(out, static_cast<uint16_t>(v.timeZone()));
      break;
    case Amf0Value::Type::kNull:
    case Amf0Value::Type::kUndefined:
      break;
  }
}

}  // namespace rtcgate::wire::rtmp
