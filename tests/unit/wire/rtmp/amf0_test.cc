#include "wire/rtmp/amf0.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;

Result<Amf0Value> decodeOne(std::span<const uint8_t> bytes, Amf0Limits limits = {}) {
  auto all = decodeAmf0All(bytes, limits);
  if (!all.ok()) return all.error();
  if (all->size() != 1) return Error::malformed("not exactly one value");
  return std::move((*all)[0]);
}

std::vector<uint8_t> encode(const Amf0Value& v) {
  std::vector<uint8_t> out;
  encodeAmf0(v, out);
  return out;
}

TEST(Amf0, ScalarsFromSpecLayouts) {
  // AMF0 §2.2 number 1.0, §2.3 boolean, §2.4 string, §2.7 null, §2.8 undefined, §2.13 date.
  EXPECT_EQ(decodeOne(hexBytes("00 3ff0000000000000"))->asNumber(), 1.0);
  EXPECT_TRUE(decodeOne(hexBytes("01 01"))->asBool());
  EXPECT_EQ(decodeOne(hexBytes("02 0003 616263"))->asString(), "abc");
  EXPECT_EQ(decodeOne(hexBytes("0c 00000003 616263"))->asString(), "abc");
  EXPECT_EQ(decodeOne(hexBytes("05"))->type(), Amf0Value::Type::kNull);
  EXPECT_EQ(decodeOne(hexBytes("06"))->type(), Amf0Value::Type::kUndefined);
  auto date = decodeOne(hexBytes("0b 4076800000000000 0000"));
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(date->type(), Amf0Value::Type::kDate);
  EXPECT_EQ(date->asNumber(), 360.0);
}

TEST(Amf0, ObjectEcmaAndStrictArrays) {
  // {a: 1.0} ; ECMA array with count 1 {b: true} ; strict array [null, "x"].
  const auto bytes = hexBytes(
      "03 0001 61 00 3ff0000000000000 0000 09"
      "08 00000001 0001 62 01 01 0000 09"
      "0a 00000002 05 02 0001 78");
  auto all = decodeAmf0All(bytes);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].find("a")->asNumber(), 1.0);
  EXPECT_EQ((*all)[1].type(), Amf0Value::Type::kEcmaArray);
  EXPECT_TRUE((*all)[1].find("b")->asBool());
  EXPECT_EQ((*all)[1].find("c"), nullptr);
  ASSERT_EQ((*all)[2].items().size(), 2u);
  EXPECT_EQ((*all)[2].items()[1].asString(), "x");
  std::vector<uint8_t> re;
  for (const auto& v : *all) encodeAmf0(v, re);
  EXPECT_EQ(re, bytes);
}

TEST(Amf0, EcmaArrayCountIsOnlyAHint) {
  // Count says 5, but the object-end marker ends it after one property.
  auto v = decodeOne(hexBytes("08 00000005 0001 62 01 00 0000 09"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->properties().size(), 1u);
}

TEST(Amf0, RoundTripsNestedTree) {
  Amf0Value inner = Amf0Value::ecmaArray();
  inner.set("width", Amf0Value::number(1280)).set("codec", Amf0Value::string("avc1"));
  Amf0Value list = Amf0Value::strictArray();
  list.add(Amf0Value::boolean(false)).add(Amf0Value::undefined()).add(Amf0Value::date(1.5e12, -60));
  Amf0Value root = Amf0Value::object();
  root.set("meta", inner)
      .set("list", list)
      .set("", Amf0Value::null())
      .set("long", Amf0Value::string(std::string(70000, 'z')));
  const auto bytes = encode(root);
  auto back = decodeOne(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, root);
  EXPECT_EQ(back->find("long")->type(), Amf0Value::Type::kLongString);
  EXPECT_EQ(back->find("list")->items()[2].timeZone(), -60);
}

TEST(Amf0, EveryTruncationRejected) {
  Amf0Value root = Amf0Value::object();
  root.set("app", Amf0Value::string("live")).set("n", Amf0Value::number(3));
  Amf0Value arr = Amf0Value::strictArray();
  arr.add(Amf0Value::number(1));
  root.set("arr", arr);
  const auto bytes = encode(root);
  rtcgate::test::expectEveryTruncationRejected(bytes, [](auto s) { return decodeOne(s); });
}

TEST(Amf0, LimitsAndUnsupportedMarkers) {
  // Depth: 20 nested objects {"a": {"a": ...}}.
  std::vector<uint8_t> deep;
  for (int i = 0; i < 20; ++i) {
    const auto open = hexBytes(i == 0 ? "03" : "0001 61 03");
    deep.insert(deep.end(), open.begin(), open.end());
  }
  for (int i = 0; i < 20; ++i) {
    const auto close = hexBytes("0000 09");
    deep.insert(deep.end(), close.begin(), close.end());
  }
  auto r = decodeOne(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "amf0 nesting too deep");
  Amf0Limits loose;
  loose.maxDepth = 32;
  EXPECT_TRUE(decodeOne(deep, loose).ok());

  // Strict array claiming more elements than bytes left.
  EXPECT_STREQ(decodeOne(hexBytes("0a ffffffff 05")).error().message, "amf0 strict array count");
  Amf0Limits few;
  few.maxElements = 3;
  EXPECT_FALSE(decodeOne(hexBytes("0a 00000004 05050505"), few).ok());
  EXPECT_EQ(decodeOne(hexBytes("07 0001")).error().code, Error::Code::kUnsupported);  // reference
  EXPECT_EQ(decodeOne(hexBytes("11")).error().code, Error::Code::kUnsupported);       // AMF3 switch
  EXPECT_STREQ(decodeOne(hexBytes("09")).error().message, "amf0 object end outside an object");
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
