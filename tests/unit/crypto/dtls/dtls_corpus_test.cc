// Regenerates the fuzz seed corpora from real flights of our own engines:
//   build/tests/unit_crypto --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus*'
#include <gtest/gtest.h>

#include <fstream>

#include "support/fixtures.h"
#include "unit/crypto/dtls/dtls_test_peer.h"

namespace rtcgate::crypto::dtls {
namespace {

void writeFile(const std::string& relative, const std::vector<uint8_t>& bytes) {
  std::ofstream out(rtcgate::test::sourcePath(relative), std::ios::binary);
  ASSERT_TRUE(out.good()) << relative;
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// dtls_fuzz input framing: [u16 length][datagram]...
std::vector<uint8_t> framed(const std::vector<std::vector<uint8_t>>& datagrams) {
  std::vector<uint8_t> out;
  for (const auto& d : datagrams) {
    out.push_back(static_cast<uint8_t>(d.size() >> 8));
    out.push_back(static_cast<uint8_t>(d.size()));
    out.insert(out.end(), d.begin(), d.end());
  }
  return out;
}

TEST(DtlsCorpus, DISABLED_WriteFuzzCorpus) {
  test::EnginePair p;
  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  ASSERT_EQ(p.server.state(), DtlsState::kConnected);
  const std::vector<uint8_t> ping = {'p', 'i', 'n', 'g'};
  ASSERT_TRUE(p.client.sendApplicationData(ping).ok());
  p.client.close();
  const auto& c = p.clientListener.sentLog;  // hello, second flight, app data, close_notify
  const auto& s = p.serverListener.sentLog;
  ASSERT_GE(c.size(), 4u);
  ASSERT_GE(s.size(), 2u);
  writeFile("tests/fuzz/corpus/dtls_record/client_hello", c[0]);
  writeFile("tests/fuzz/corpus/dtls_record/server_flight", s[0]);
  writeFile("tests/fuzz/corpus/dtls_record/client_second_flight", c[1]);
  writeFile("tests/fuzz/corpus/dtls_record/server_finished", s.back());
  writeFile("tests/fuzz/corpus/dtls_record/application_data", c[2]);
  writeFile("tests/fuzz/corpus/dtls_record/close_notify", c[3]);
  writeFile("tests/fuzz/corpus/dtls/client_hello", framed({c[0]}));
  writeFile("tests/fuzz/corpus/dtls/client_flights", framed({c[0], c[1], c[2], c[3]}));
  writeFile("tests/fuzz/corpus/dtls/client_hello_dtls13", framed({test::offerDtls13(c[0])}));
  writeFile("tests/fuzz/corpus/dtls_record/client_hello_dtls13", test::offerDtls13(c[0]));
  writeFile("tests/fuzz/corpus/dtls/client_hello_twice", framed({c[0], c[0]}));
}

}  // namespace
}  // namespace rtcgate::crypto::dtls
