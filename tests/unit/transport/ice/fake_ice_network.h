#pragma once
// Test harness: an IceClientAgent and an IceLiteAgent wired back to back in memory,
// driven by a FakeClock, with a NAT-like mapping and packet loss under test control.

#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "transport/ice/ice_client_agent.h"
#include "transport/ice/ice_lite_agent.h"

namespace rtcgate::transport::ice::test {

// Records everything an agent reports.
class RecordingListener : public IceListener {
 public:
  struct Sent {
    std::vector<uint8_t> data;
    SocketAddress to;
  };
  void onIceSend(std::span<const uint8_t> data, const SocketAddress& to) override {
    sent.push_back({{data.begin(), data.end()}, to});
  }
  void onIceStateChanged(IceState state, std::string_view reason) override {
    states.emplace_back(state, std::string(reason));
  }
  void onIceSelected(const SocketAddress& remote) override { selected.push_back(remote); }

  std::string lastReason() const { return states.empty() ? "" : states.back().second; }

  std::deque<Sent> sent;
  std::vector<std::pair<IceState, std::string>> states;
  std::vector<SocketAddress> selected;
};

// Client (behind a NAT whose public mapping is `clientMapped`) talking to a lite server.
struct FakeIceNetwork {
  explicit FakeIceNetwork(IceClientConfig overrides = {}, bool wrongPassword = false)
      : liteCreds(IceCredentials::generate()),
        clientCreds(IceCredentials::generate()),
        lite(clock, liteListener, liteCreds, clientCreds),
        client(clock, clientListener, makeConfig(std::move(overrides), wrongPassword)) {}

  IceClientConfig makeConfig(IceClientConfig c, bool wrongPassword) {
    c.local = clientCreds;
    c.remote = liteCreds;
    if (wrongPassword) c.remote.pwd = "wrong-password-wrong-password";
    c.remoteAddress = liteAddr;
    return c;
  }

  // Delivers queued datagrams both ways until the network is quiet.
  void pump() {
    while (!clientListener.sent.empty() || !liteListener.sent.empty()) {
      while (!clientListener.sent.empty()) {
        auto d = std::move(clientListener.sent.front());
        clientListener.sent.pop_front();
        ++clientToLite;
        if (dropClientToLite > 0) {
          --dropClientToLite;
          continue;
        }
        if (blackhole || d.to != liteAddr) continue;
        lite.handleStun(d.data, clientMapped);
      }
      while (!liteListener.sent.empty()) {
        auto d = std::move(liteListener.sent.front());
        liteListener.sent.pop_front();
        if (blackhole || d.to != clientMapped) continue;  // old NAT mappings are gone
        client.handleStun(d.data, liteAddr);
      }
    }
  }

  // Runs both agents' timers until `durationUs` has passed.
  void runFor(int64_t durationUs) {
    const int64_t end = clock.nowUs() + durationUs;
    for (;;) {
      const int64_t next = std::min(client.nextTimeoutUs(), lite.nextTimeoutUs());
      if (next > end) break;
      clock.setUs(std::max(next, clock.nowUs()));
      client.onTimer();
      lite.onTimer();
      pump();
    }
    clock.setUs(end);
    pump();
  }

  void connect() {
    client.start();
    pump();
  }

  FakeClock clock;
  SocketAddress liteAddr = *SocketAddress::parse("203.0.113.10", 3478);
  SocketAddress clientMapped = *SocketAddress::parse("198.51.100.7", 50000);
  IceCredentials liteCreds;
  IceCredentials clientCreds;
  RecordingListener liteListener;
  RecordingListener clientListener;
  IceLiteAgent lite;
  IceClientAgent client;
  int dropClientToLite = 0;
  bool blackhole = false;
  int clientToLite = 0;
};

}  // namespace rtcgate::transport::ice::test
