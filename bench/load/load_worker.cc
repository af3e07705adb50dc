#include "load_worker.h"

#include <future>

namespace rtcgate::load {

LoadWorker::LoadWorker(int index, Clock& clock)
    : clock_(clock), loop_("load-" + std::to_string(index)), timer_(loop_) {
  latency_.all.reserve(1 << 20);
  latency_.delta.reserve(1 << 20);
}

LoadWorker::~LoadWorker() { stop(); }

Status LoadWorker::init(std::shared_ptr<const crypto::dtls::Certificate> certificate) {
  auto ctx = crypto::dtls::DtlsContext::create(std::move(certificate));
  if (!ctx.ok()) return ctx.error();
  dtls_ = std::move(*ctx);
  return {};
}

void LoadWorker::start() {
  running_ = true;
  loop_.post([this] { tick(); });
  loop_.start();
}

void LoadWorker::stop() {
  if (!running_) return;
  running_ = false;
  std::promise<void> closed;
  loop_.post([this, &closed] {
    timer_.cancel();
    for (auto& p : peers_) p->close();
    closed.set_value();
  });
  closed.get_future().wait();
  // One more turn so the close_notify datagrams leave the sockets.
  std::promise<void> flushed;
  loop_.post([&flushed] { flushed.set_value(); });
  flushed.get_future().wait();
  loop_.stop();
}

void LoadWorker::tick() {
  if (!running_) return;
  const int64_t now = clock_.nowUs();
  for (auto& p : peers_) p->tick(now);
  timer_.startUs(kTickUs, [this] { tick(); });
}

}  // namespace rtcgate::load
