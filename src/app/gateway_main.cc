#include "app/gateway_main.h"

#include <csignal>
#include <memory>
#include <string_view>

#include "app/command_line.h"
#include "app/config.h"
#include "app/gateway.h"
#include "app/token_command.h"
#include "base/log.h"
#include "crypto/dtls/certificate.h"

namespace rtcgate::app {

namespace {

Gateway* gGateway = nullptr;

void onSignal(int) {
  if (gGateway) gGateway->stop();
}

}  // namespace

int gatewayMain(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "token") return tokenMain(argc - 1, argv + 1);
  Config config;
  if (int rc = parseCommandLine(argc, argv, config); rc >= 0) return rc;
  initLogging(config.logLevel);

  auto certificate = config.certFile.empty() ? crypto::dtls::Certificate::generate()
                                            : crypto::dtls::Certificate::loadPem(config.certFile, config.keyFile);
  if (!certificate.ok()) {
    spdlog::error("DTLS certificate: {}", certificate.error().message);
    return 1;
  }
  std::shared_ptr<const crypto::dtls::Certificate> cert(std::move(*certificate));
  spdlog::info("DTLS certificate fingerprint sha-256 {}", cert->sdpFingerprint());

  Gateway gateway(config, std::move(cert));
  if (auto rc = gateway.start()) return *rc;
  gGateway = &gateway;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  gateway.run();
  gGateway = nullptr;
  return 0;
}

}  // namespace rtcgate::app
