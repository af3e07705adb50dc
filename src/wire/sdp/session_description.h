#pragma once
// SessionDescription: a lossless model of an SDP body (RFC 8866) — every field and
// attribute kept in order, so serialize(parse(x)) carries what we do not understand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/sdp/sdp_error.h"

namespace rtcgate::wire::sdp {

// Hard limits that keep a hostile offer from costing more than a bounded parse.
inline constexpr size_t kMaxSdpBytes = 128 * 1024;  // a 50-person room's subscriber answer fits
inline constexpr size_t kMaxSdpLineBytes = 4 * 1024;
inline constexpr size_t kMaxMediaSections = 128;  // a 50-person room receives ~100
inline constexpr size_t kMaxSimulcastLayers = 4;   // per send section (browsers send up to 3)

// One non-attribute line such as "c=IN IP4 0.0.0.0": its type letter and raw value.
struct Field {
  char type = 0;
  std::string value;
  bool operator==(const Field&) const = default;
};

// One "a=name[:value]" line (RFC 8866 §5.13); `line` is where it came from (0 if built).
struct Attribute {
  std::string name;
  std::string value;
  bool hasValue = false;
  int line = 0;
  bool operator==(const Attribute& o) const {
    return name == o.name && value == o.value && hasValue == o.hasValue;
  }
};

// The ordered attributes of one level (session or media), with lookup helpers.
class AttributeList {
 public:
  const Attribute* find(std::string_view name) const noexcept;
  bool has(std::string_view name) const noexcept { return find(name) != nullptr; }
  // Value of the first attribute called `name`, if present.
  std::optional<std::string_view> value(std::string_view name) const noexcept;
  // Every attribute called `name`, in order.
  std::vector<const Attribute*> all(std::string_view name) const;
  void add(std::string name, std::string value);
  void addFlag(std::string name);

  std::vector<Attribute> items;
  bool operator==(const AttributeList&) const = default;
};

// One "m=" section (RFC 8866 §5.14) with its own fields and attributes.
struct MediaSection {
  std::string kind;  // audio, video, application, ...
  uint16_t port = 0;
  uint16_t portCount = 0;  // 0 when the "/<number of ports>" suffix is absent
  std::string proto;
  std::vector<std::string> formats;
  std::vector<Field> fields;  // c=, b=, i=, k= lines of this section
  AttributeList attributes;
  int line = 0;  // line of the m= line (0 if built)

  std::optional<std::string_view> mid() const noexcept { return attributes.value("mid"); }
  bool operator==(const MediaSection& o) const {
    return kind == o.kind && port == o.port && portCount == o.portCount && proto == o.proto &&
           formats == o.formats && fields == o.fields && attributes == o.attributes;
  }
};

// A whole SDP body: session-level fields (v/o/s/.../t in order), attributes, media.
struct SessionDescription {
  std::vector<Field> fields;
  AttributeList attributes;
  std::vector<MediaSection> media;

  // RFC 8866 §5: parses `text` (CRLF or LF line ends). Never throws.
  static SdpResult<SessionDescription> parse(std::string_view text) noexcept;
  // Serializes with CRLF line ends: fields, then attributes, then each media section.
  std::string serialize() const;

  const Field* field(char type) const noexcept;
  bool operator==(const SessionDescription&) const = default;
};

}  // namespace rtcgate::wire::sdp
