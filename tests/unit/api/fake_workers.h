#pragma once
// A MediaWorkers that answers at once and records what was asked: handler tests without
// media threads.

#include <map>
#include <string>
#include <vector>

#include "cluster/media_workers.h"

namespace rtcgate::api::testing {

// Records what the API asked of the workers; no media threads.
struct FakeWorkers : cluster::MediaWorkers {
  std::vector<sfu::SessionSpec> started;
  std::vector<std::string> closed;
  std::string quality;
  std::vector<sfu::ConsumerBinding> bindings;
  std::map<std::string, sfu::ConsumerOptions> options;
  int updates = 0;
  std::vector<std::pair<std::string, float>> levels;
  unsigned count() const override { return 2; }
  SocketAddress udpAddress(unsigned w) const override {
    return *SocketAddress::parse("127.0.0.1", static_cast<uint16_t>(40000 + w));
  }
  void addPublisher(unsigned, sfu::SessionSpec spec, bool, cluster::Completion<Status> done) override {
    started.push_back(std::move(spec));
    done(Status{});
  }
  void addSubscriber(unsigned, sfu::SessionSpec spec, cluster::Completion<Status> done) override {
    started.push_back(std::move(spec));
    done(Status{});
  }
  void addRoomSubscriber(unsigned, sfu::SessionSpec spec, std::vector<sfu::ConsumerBinding> b,
                         cluster::Completion<Status> done) override {
    started.push_back(std::move(spec));
    bindings = std::move(b);
    done(Status{});
  }
  void updateConsumers(unsigned, const std::string&, wire::sdp::NegotiatedSession, std::vector<sfu::ConsumerBinding> b,
                       cluster::Completion<Status> done) override {
    bindings = std::move(b);
    ++updates;
    done(Status{});
  }
  void setConsumerOptions(unsigned, const std::string&, const std::string& mid, sfu::ConsumerOptions o) override {
    options[mid] = o;
  }
  void audioLevels(unsigned, std::string, cluster::Completion<std::vector<std::pair<std::string, float>>> done) override {
    done(levels);
  }
  void closeSession(unsigned, const std::string& id, const std::string&) override { closed.push_back(id); }
  void setQuality(unsigned, const std::string&, sfu::Quality q, cluster::Completion<bool> done) override {
    quality = sfu::qualityName(q);
    done(true);
  }
  void restartIce(unsigned, const std::string&, const transport::ice::IceCredentials&,
                  const transport::ice::IceCredentials&, cluster::Completion<bool> done) override {
    done(true);
  }
  void sessions(cluster::Completion<std::vector<sfu::SessionInfo>> done) override { done({}); }
  void streams(cluster::Completion<std::vector<sfu::StreamInfo>> done) override { done({}); }
  void metrics(cluster::Completion<std::vector<cluster::WorkerMetrics>> done) override { done({}); }
};

}  // namespace rtcgate::api::testing
