#include "app/worker.h"

#include <spdlog/spdlog.h>

#include <future>

namespace rtcgate::app {

Worker::Worker(unsigned index)
    : index_(index), loop_("rtc-worker-" + std::to_string(index)), pool_(4096), socket_(loop_, pool_, *this) {}

Worker::~Worker() { stop(); }

Status Worker::start(const SocketAddress& udpAddress) {
  // The socket is opened before the thread starts, so no other thread touches it after.
  RTCGATE_TRY(socket_.open(udpAddress));
  loop_.start();
  return {};
}

void Worker::stop() {
  std::promise<void> closed;
  auto done = closed.get_future();
  loop_.post([this, &closed] {
    socket_.close();
    closed.set_value();
  });
  done.wait_for(std::chrono::seconds(2));
  loop_.stop();
}

void Worker::onDatagram(PacketRef /*packet*/, const SocketAddress& /*from*/) {
  drops_.count(DropReason::kUnknownSource);
}

}  // namespace rtcgate::app
