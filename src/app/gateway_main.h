#pragma once
// gatewayMain: the whole program behind main(), kept in the library so tests can call it.

namespace rtcgate::app {

int gatewayMain(int argc, char** argv);

}  // namespace rtcgate::app
