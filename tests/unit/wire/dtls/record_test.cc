#include "wire/dtls/record.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace rtcgate::wire::dtls {
namespace {

// A plaintext ClientHello record header + handshake header with a 4-byte body.
const std::vector<uint8_t> kClientHelloRecord = {
    0x16, 0xfe, 0xff, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x00, 0x10,  // record
    0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,        // handshake
    0xde, 0xad, 0xbe, 0xef};

TEST(DtlsRecord, ParsesHeaderFields) {
  auto rec = Record::parse(kClientHelloRecord);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(rec->type, ContentType::kHandshake);
  EXPECT_EQ(rec->version, kDtls10Version);
  EXPECT_EQ(rec->epoch, 0);
  EXPECT_EQ(rec->sequence, 0x123456789abcULL);
  EXPECT_EQ(rec->fragment.size(), 16u);
  EXPECT_EQ(rec->sizeOnWire(), kClientHelloRecord.size());
}

TEST(DtlsRecord, RoundTrips) {
  const std::array<uint8_t, 5> payload = {1, 2, 3, 4, 5};
  Record rec{ContentType::kApplicationData, kDtls12Version, 1, kMaxSequenceNumber, payload};
  std::array<uint8_t, 64> buf{};
  auto n = rec.serializeTo(buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kRecordHeaderSize + payload.size());
  auto back = Record::parse(std::span<const uint8_t>(buf.data(), *n));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->type, rec.type);
  EXPECT_EQ(back->epoch, 1);
  EXPECT_EQ(back->sequence, kMaxSequenceNumber);
  EXPECT_TRUE(std::equal(back->fragment.begin(), back->fragment.end(), payload.begin(), payload.end()));
}

TEST(DtlsRecord, SerializeRefusesSmallBufferAndWideSequence) {
  const std::array<uint8_t, 5> payload{};
  std::array<uint8_t, 17> small{};
  Record rec{ContentType::kAlert, kDtls12Version, 0, 1, payload};
  EXPECT_EQ(rec.serializeTo(small).error().code, Error::Code::kNoSpace);
  rec.sequence = kMaxSequenceNumber + 1;
  std::array<uint8_t, 64> buf{};
  EXPECT_FALSE(rec.serializeTo(buf).ok());
}

TEST(DtlsRecord, TruncatedAtEveryLengthIsRejected) {
  for (size_t len = 0; len < kClientHelloRecord.size(); ++len) {
    const std::span<const uint8_t> prefix(kClientHelloRecord.data(), len);
    EXPECT_FALSE(Record::parse(prefix).ok()) << len;
    EXPECT_FALSE(validateDatagram(prefix).ok()) << len;
    EXPECT_FALSE(peekClientHello(prefix).ok()) << len;
  }
  EXPECT_TRUE(validateDatagram(kClientHelloRecord).ok());
}

TEST(DtlsRecord, RejectsUnknownTypeVersionAndLength) {
  auto bad = kClientHelloRecord;
  bad[0] = 24;  // heartbeat
  EXPECT_EQ(Record::parse(bad).error().code, Error::Code::kMalformed);
  bad = kClientHelloRecord;
  bad[1] = 0x03;  // TLS 1.2
  bad[2] = 0x03;
  EXPECT_EQ(Record::parse(bad).error().code, Error::Code::kUnsupported);
  bad = kClientHelloRecord;
  bad[11] = 0xff;  // 65535 > 2^14 + 2048
  EXPECT_EQ(Record::parse(bad).error().code, Error::Code::kMalformed);
}

TEST(DtlsRecord, IteratesAllRecordsOfADatagram) {
  std::vector<uint8_t> datagram = kClientHelloRecord;
  const std::array<uint8_t, 2> alert = {2, 40};
  std::array<uint8_t, 32> buf{};
  auto n = Record{ContentType::kAlert, kDtls12Version, 0, 7, alert}.serializeTo(buf);
  ASSERT_TRUE(n.ok());
  datagram.insert(datagram.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
  RecordIterator it(datagram);
  Record rec;
  ASSERT_TRUE(it.next(rec));
  EXPECT_EQ(rec.type, ContentType::kHandshake);
  ASSERT_TRUE(it.next(rec));
  EXPECT_EQ(rec.type, ContentType::kAlert);
  EXPECT_EQ(rec.sequence, 7u);
  EXPECT_FALSE(it.next(rec));
  EXPECT_EQ(it.error(), nullptr);
  EXPECT_EQ(validateDatagram(datagram).value(), 2u);
  datagram.push_back(0x17);  // a trailing partial header
  EXPECT_FALSE(validateDatagram(datagram).ok());
  EXPECT_FALSE(validateDatagram({}).ok());
}

TEST(DtlsHandshake, PeeksClientHelloHeader) {
  auto hs = peekClientHello(kClientHelloRecord);
  ASSERT_TRUE(hs.ok()) << hs.error().message;
  EXPECT_EQ(hs->type, HandshakeType::kClientHello);
  EXPECT_EQ(hs->length, 4u);
  EXPECT_EQ(hs->messageSeq, 0);
  EXPECT_EQ(hs->fragmentOffset, 0u);
  EXPECT_EQ(hs->fragmentLength, 4u);
  EXPECT_EQ(hs->body.size(), 4u);
  auto notHello = kClientHelloRecord;
  notHello[13] = 2;  // ServerHello
  EXPECT_FALSE(peekClientHello(notHello).ok());
  auto encrypted = kClientHelloRecord;
  encrypted[4] = 1;  // epoch 1
  EXPECT_FALSE(peekClientHello(encrypted).ok());
}

TEST(DtlsHandshake, RoundTripsAndTruncates) {
  const std::array<uint8_t, 3> body = {9, 8, 7};
  HandshakeHeader h{HandshakeType::kCertificate, 10, 3, 5, 3, body};
  std::array<uint8_t, 32> buf{};
  auto n = h.serializeTo(buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kHandshakeHeaderSize + 3);
  for (size_t len = 0; len < *n; ++len) {
    EXPECT_FALSE(HandshakeHeader::parse(std::span<const uint8_t>(buf.data(), len)).ok()) << len;
  }
  auto back = HandshakeHeader::parse(std::span<const uint8_t>(buf.data(), *n));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->type, HandshakeType::kCertificate);
  EXPECT_EQ(back->length, 10u);
  EXPECT_EQ(back->messageSeq, 3);
  EXPECT_EQ(back->fragmentOffset, 5u);
  EXPECT_EQ(back->fragmentLength, 3u);
}

TEST(DtlsHandshake, RejectsFragmentBeyondMessage) {
  const std::array<uint8_t, 3> body{};
  HandshakeHeader h{HandshakeType::kCertificate, 10, 0, 8, 3, body};
  std::array<uint8_t, 32> buf{};
  EXPECT_FALSE(h.serializeTo(buf).ok());
  h.fragmentOffset = 7;
  auto n = h.serializeTo(buf);
  ASSERT_TRUE(n.ok());
  buf[1 + 3 + 2 + 2] = 8;  // fragment_offset 7 -> 8
  EXPECT_EQ(HandshakeHeader::parse(std::span<const uint8_t>(buf.data(), *n)).error().code,
            Error::Code::kMalformed);
}

TEST(DtlsRecord, Rfc7983Demux) {
  const std::array<uint8_t, 1> dtls = {22};
  const std::array<uint8_t, 1> stun = {0};
  const std::array<uint8_t, 1> rtp = {0x80};
  EXPECT_TRUE(looksLikeDtls(dtls));
  EXPECT_FALSE(looksLikeDtls(stun));
  EXPECT_FALSE(looksLikeDtls(rtp));
  EXPECT_FALSE(looksLikeDtls({}));
}

}  // namespace
}  // namespace rtcgate::wire::dtls
