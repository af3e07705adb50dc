// looksLikeStun / recipientUfrag: the cheap first-packet routing checks.
#include "wire/stun/classify.h"

#include <gtest/gtest.h>

#include "unit/wire/stun/rfc5769_vectors.h"

namespace rtcgate::wire::stun {
namespace {

TEST(StunClassify, RecognisesStunAndNotOthers) {
  const auto req = test::rfc5769Request();
  EXPECT_TRUE(looksLikeStun(req));
  EXPECT_TRUE(looksLikeStun(test::rfc5769Ipv4Response()));
  auto dtls = req;
  dtls[0] = 22;  // DTLS handshake record
  EXPECT_FALSE(looksLikeStun(dtls));
  auto rtp = req;
  rtp[0] = 0x80;
  EXPECT_FALSE(looksLikeStun(rtp));
  EXPECT_FALSE(looksLikeStun(std::span(req).first(19)));
  EXPECT_FALSE(looksLikeStun(std::span(req).first(req.size() - 4)));
}

TEST(StunClassify, ExtractsRecipientUfrag) {
  const auto req = test::rfc5769Request();
  EXPECT_EQ(recipientUfrag(req), "evtj");
  EXPECT_EQ(recipientUfrag(test::rfc5769Ipv4Response()), "");  // responses carry no USERNAME
  for (size_t n = 0; n < req.size(); ++n) EXPECT_EQ(recipientUfrag(std::span(req).first(n)), "");
}

}  // namespace
}  // namespace rtcgate::wire::stun
