#include "app/gateway_main.h"

#include <cstdio>

namespace rtcgate::app {

int gatewayMain(int /*argc*/, char** /*argv*/) {
  std::puts("rtcgate 0.1.0");
  return 0;
}

}  // namespace rtcgate::app
