#pragma once
// RedisServer: a private redis-server for a test, on 127.0.0.1 at a free port, without
// persistence; stopped (and startable again on the same port) by the test.

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace rtcgate::test {

class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts the server and waits until it accepts connections; false when it cannot.
  bool start();
  void stop();
  bool running() const noexcept { return pid_ > 0; }
  pid_t pid() const noexcept { return pid_; }
  uint16_t port() const noexcept { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace rtcgate::test
