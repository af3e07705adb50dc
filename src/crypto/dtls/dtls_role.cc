#include "crypto/dtls/dtls_role.h"

namespace rtcgate::crypto::dtls {

std::optional<DtlsSetup> parseDtlsSetup(std::string_view value) noexcept {
  if (value == "actpass") return DtlsSetup::kActpass;
  if (value == "active") return DtlsSetup::kActive;
  if (value == "passive") return DtlsSetup::kPassive;
  return std::nullopt;
}

std::string_view dtlsSetupName(DtlsSetup setup) noexcept {
  switch (setup) {
    case DtlsSetup::kActpass:
      return "actpass";
    case DtlsSetup::kActive:
      return "active";
    case DtlsSetup::kPassive:
      return "passive";
  }
  return "actpass";
}

DtlsSetup answerSetup(DtlsSetup remoteOffer, DtlsSetup preferred) noexcept {
  switch (remoteOffer) {
    case DtlsSetup::kActive:
      return DtlsSetup::kPassive;
    case DtlsSetup::kPassive:
      return DtlsSetup::kActive;
    case DtlsSetup::kActpass:
      break;
  }
  return preferred == DtlsSetup::kActive ? DtlsSetup::kActive : DtlsSetup::kPassive;
}

}  // namespace rtcgate::crypto::dtls
