#include "crypto/dtls/dtls_role.h"

#include <gtest/gtest.h>

namespace rtcgate::crypto::dtls {
namespace {

TEST(DtlsRole, SetupNegotiation) {
  EXPECT_EQ(parseDtlsSetup("actpass"), DtlsSetup::kActpass);
  EXPECT_EQ(parseDtlsSetup("active"), DtlsSetup::kActive);
  EXPECT_EQ(parseDtlsSetup("passive"), DtlsSetup::kPassive);
  EXPECT_FALSE(parseDtlsSetup("holdconn"));
  EXPECT_EQ(answerSetup(DtlsSetup::kActpass), DtlsSetup::kPassive);
  EXPECT_EQ(answerSetup(DtlsSetup::kActpass, DtlsSetup::kActive), DtlsSetup::kActive);
  EXPECT_EQ(answerSetup(DtlsSetup::kActive), DtlsSetup::kPassive);
  EXPECT_EQ(answerSetup(DtlsSetup::kPassive), DtlsSetup::kActive);
  EXPECT_EQ(roleForLocalSetup(DtlsSetup::kActive), DtlsRole::kClient);
  EXPECT_EQ(roleForLocalSetup(DtlsSetup::kPassive), DtlsRole::kServer);
  EXPECT_EQ(roleForRemoteAnswer(DtlsSetup::kActive), DtlsRole::kServer);
  EXPECT_EQ(roleForRemoteAnswer(DtlsSetup::kPassive), DtlsRole::kClient);
  EXPECT_EQ(dtlsSetupName(DtlsSetup::kActpass), "actpass");
}

}  // namespace
}  // namespace rtcgate::crypto::dtls
