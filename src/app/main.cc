// rtcgate: entry point. Parses the command line and config, then runs the gateway.
#include "app/gateway_main.h"

int main(int argc, char** argv) { return rtcgate::app::gatewayMain(argc, argv); }
