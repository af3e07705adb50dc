#pragma once
// The command line: the config file it names, then the options that override it.

#include "app/config.h"

namespace rtcgate::app {

// Fills `config` from the command line (after the file named by --config). Returns -1 to go
// on, or the exit code (0 after --help, 2 for a bad option or config file).
int parseCommandLine(int argc, char** argv, Config& config);

}  // namespace rtcgate::app
