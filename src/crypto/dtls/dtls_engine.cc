#include "crypto/dtls/dtls_engine.h"

#include <openssl/err.h>

#include <algorithm>
#include <climits>

#include "wire/dtls/record.h"

namespace rtcgate::crypto::dtls {
namespace {

namespace wd = rtcgate::wire::dtls;

// RFC 5764 §4.2 exporter label.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

std::optional<SrtpProfile> profileFromId(unsigned long id) noexcept {
  for (SrtpProfile p : {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80}) {
    if (id == dtlsProfileId(p)) return p;
  }
  return std::nullopt;
}

}  // namespace

std::string_view dtlsStateName(DtlsState state) noexcept {
  switch (state) {
    case DtlsState::kNew:
      return "new";
    case DtlsState::kConnecting:
      return "connecting";
    case DtlsState::kConnected:
      return "connected";
    case DtlsState::kFailed:
      return "failed";
    case DtlsState::kClosed:
      return "closed";
  }
  return "unknown";
}

DtlsEngine::DtlsEngine(DtlsContext& context, DtlsRole role, Clock& clock, DtlsListener& listener)
    : context_(context), role_(role), clock_(clock), listener_(listener) {
  keys_.role = role;
  ssl_.reset(SSL_new(context_.sslCtx()));
  BioPtr readBio(BIO_new(BIO_s_mem()));
  BioPtr writeBio(BIO_new(BIO_s_mem()));
  if (!ssl_ || !readBio || !writeBio) {
    ssl_.reset();
    state_ = DtlsState::kFailed;
    reason_ = "OpenSSL session setup failed";
    return;
  }
  // An empty memory BIO must mean "no data yet" (retry), not end of file.
  BIO_set_mem_eof_return(readBio.get(), -1);
  BIO_set_mem_eof_return(writeBio.get(), -1);
  readBio_ = readBio.release();
  writeBio_ = writeBio.release();
  SSL_set_bio(ssl_.get(), readBio_, writeBio_);  // ssl_ owns both from here
  SSL_set_options(ssl_.get(), SSL_OP_NO_QUERY_MTU);
  setMtu(mtu_);
  DTLS_set_timer_cb(ssl_.get(), &DtlsEngine::timerCallback);
  if (role_ == DtlsRole::kClient) {
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

DtlsEngine::~DtlsEngine() {
  OPENSSL_cleanse(&keys_, sizeof keys_);
}

unsigned DtlsEngine::timerCallback(SSL* /*ssl*/, unsigned timerUs) {
  // 0 means "first flight": start short (a lost first flight costs 100 ms, not 1 s),
  // then back off exponentially (RFC 6347 §4.2.4.1).
  if (timerUs == 0) return kInitialRetransmitUs;
  return std::min(timerUs * 2, kMaxRetransmitUs);
}

void DtlsEngine::setMtu(size_t mtu) noexcept {
  mtu_ = mtu;
  if (!ssl_) return;
  SSL_set_mtu(ssl_.get(), static_cast<long>(mtu));
  DTLS_set_link_mtu(ssl_.get(), static_cast<long>(mtu));
}

Status DtlsEngine::setRemoteFingerprint(std::string_view algorithm, std::string_view hexValue) {
  if (state_ == DtlsState::kFailed || state_ == DtlsState::kClosed)
    return Error::state("dtls engine finished");
  const auto alg = parseFingerprintAlgorithm(algorithm);
  if (!alg) return Error::unsupported("fingerprint algorithm unsupported");
  auto fp = parseFingerprint(*alg, hexValue);
  if (!fp) return fp.error();
  remoteFingerprint_ = *fp;
  // WHIP/WHEP order: the handshake may already be done when the answer arrives.
  if (handshakeDone_) verifyAndConnect();
  return {};
}

Status DtlsEngine::start() {
  if (state_ != DtlsState::kNew) return Error::state("dtls engine already started");
  state_ = DtlsState::kConnecting;
  handshakeDeadlineUs_ = clock_.nowUs() + kHandshakeTimeoutUs;
  if (role_ == DtlsRole::kClient) continueHandshake();
  return {};
}

Status DtlsEngine::reject(const Error& error) noexcept {
  ++rejected_;
  lastReject_ = error.message;
  return error;
}

Status DtlsEngine::onData(std::span<const uint8_t> datagram) {
  if (state_ == DtlsState::kFailed || state_ == DtlsState::kClosed) {
    return reject(Error::state("dtls engine finished"));
  }
  if (state_ == DtlsState::kNew && role_ == DtlsRole::kClient) {
    return reject(Error::state("dtls client not started"));
  }
  if (datagram.size() > INT_MAX) return reject(Error::malformed("dtls datagram too large"));
  if (auto valid = wd::validateDatagram(datagram); !valid) return reject(valid.error());
  if (state_ == DtlsState::kNew) {
    // A server's first datagram must open with a ClientHello; anything else is noise.
    if (auto hello = wd::peekClientHello(datagram); !hello) return reject(hello.error());
    state_ = DtlsState::kConnecting;
    handshakeDeadlineUs_ = clock_.nowUs() + kHandshakeTimeoutUs;
  }
  if (BIO_write(readBio_, datagram.data(), static_cast<int>(datagram.size())) !=
      static_cast<int>(datagram.size())) {
    return reject(Error{Error::Code::kInternal, "dtls read buffer refused datagram"});
  }
  drive();
  return {};
}

void DtlsEngine::drive() {
  if (!handshakeDone_) {
    continueHandshake();
    if (!handshakeDone_) return;
  }
  if (state_ == DtlsState::kConnecting || state_ == DtlsState::kConnected) readApplicationData();
  flushOutgoing();
}

void DtlsEngine::continueHandshake() {
  ERR_clear_error();
  const int ret = SSL_do_handshake(ssl_.get());
  flushOutgoing();  // our next flight (or a final alert) goes out first
  if (ret == 1) {
    handshakeDone_ = true;
    onHandshakeDone();
    return;
  }
  const int err = SSL_get_error(ssl_.get(), ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
  fail(sslErrorReason("handshake failed", err));
}

void DtlsEngine::onHandshakeDone() {
  peerCert_.reset(SSL_get1_peer_certificate(ssl_.get()));
  if (!peerCert_) return fail("peer sent no certificate");
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
  if (selected == nullptr) return fail("no SRTP profile negotiated");
  const auto profile = profileFromId(selected->id);
  if (!profile) return fail("unsupported SRTP profile negotiated");
  keys_.profile = *profile;
  if (!exportKeys()) return fail("SRTP keying material export failed");
  if (remoteFingerprint_) verifyAndConnect();
  // Otherwise wait in kConnecting for setRemoteFingerprint().
}

void DtlsEngine::verifyAndConnect() {
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) return;
  if (!peerCert_ || !remoteFingerprint_) return;
  auto actual = computeFingerprint(peerCert_.get(), remoteFingerprint_->algorithm);
  if (!actual || !fingerprintsEqual(*actual, *remoteFingerprint_)) return fail("fingerprint mismatch");
  if (state_ == DtlsState::kConnected) return;  // same fingerprint again
  state_ = DtlsState::kConnected;
  reason_.clear();
  listener_.onDtlsConnected(keys_);
}

bool DtlsEngine::exportKeys() {
  const size_t k = masterKeyLength(keys_.profile);
  const size_t s = masterSaltLength(keys_.profile);
  std::array<uint8_t, 2 * (DtlsKeys::kMaxKey + DtlsKeys::kMaxSalt)> material{};
  const bool ok = SSL_export_keying_material(ssl_.get(), material.data(), 2 * (k + s), kExporterLabel,
                                             sizeof kExporterLabel - 1, nullptr, 0, 0) == 1;
  if (ok) {
    // RFC 5764 §4.2: client key | server key | client salt | server salt.
    const uint8_t* p = material.data();
    std::copy_n(p, k, keys_.clientWriteKey.begin());
    std::copy_n(p + k, k, keys_.serverWriteKey.begin());
    std::copy_n(p + 2 * k, s, keys_.clientWriteSalt.begin());
    std::copy_n(p + 2 * k + s, s, keys_.serverWriteSalt.begin());
  }
  OPENSSL_cleanse(material.data(), material.size());
  return ok;
}

void DtlsEngine::readApplicationData() {
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), readBuffer_.data(), static_cast<int>(readBuffer_.size()));
    if (n > 0) {
      // Data before the fingerprint check passed is not trusted; SCTP will retransmit.
      if (state_ == DtlsState::kConnected) {
        listener_.onDtlsApplicationData({readBuffer_.data(), static_cast<size_t>(n)});
      }
      continue;
    }
    const int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
    if (err == SSL_ERROR_ZERO_RETURN) {
      SSL_shutdown(ssl_.get());  // answer with our own close_notify
      flushOutgoing();
      state_ = DtlsState::kClosed;
      reason_ = "closed by peer";
      listener_.onDtlsClosed();
      return;
    }
    return fail(sslErrorReason("dtls read failed", err));
  }
}

std::optional<int64_t> DtlsEngine::nextTimeoutUs() const noexcept {
  if (!ssl_ || (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected)) return std::nullopt;
  std::optional<int64_t> next;
  if (state_ == DtlsState::kConnecting) next = handshakeDeadlineUs_;
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_.get(), &tv) == 1) {
    const int64_t remainingUs = int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec;
    // An expired timer is due at any time: a caller comparing against a "now" it read a
    // moment earlier must still see it due (else a retransmission could wait forever).
    const int64_t at = remainingUs == 0 ? 0 : clock_.nowUs() + remainingUs;
    next = next ? std::min(*next, at) : at;
  }
  return next;
}

std::string DtlsEngine::handshakeDiagnostics() const {
  if (!ssl_) return "no ssl";
  std::string out = SSL_state_string_long(ssl_.get());
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_.get(), &tv) == 1) {
    out += ", retransmit in " + std::to_string(tv.tv_sec * 1000 + tv.tv_usec / 1000) + " ms";
  } else {
    out += ", no retransmit timer";
  }
  if (handshakeDone_) out += ", handshake done";
  return out;
}

void DtlsEngine::onTimer() {
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) return;
  if (state_ == DtlsState::kConnecting && clock_.nowUs() >= handshakeDeadlineUs_) {
    // Tell "peer never finished" apart from "signaling never gave us its fingerprint".
    return fail(handshakeDone_ ? "handshake timeout (no remote fingerprint)" : "handshake timeout");
  }
  ERR_clear_error();
  // Retransmits the last flight if OpenSSL's timer expired; -1 after too many tries.
  if (DTLSv1_handle_timeout(ssl_.get()) < 0) {
    flushOutgoing();
    return fail("handshake timeout");
  }
  flushOutgoing();
}

void DtlsEngine::close() {
  if (state_ == DtlsState::kFailed || state_ == DtlsState::kClosed) return;
  if (ssl_ && handshakeDone_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    flushOutgoing();
  }
  state_ = DtlsState::kClosed;
  reason_ = "closed locally";
}

Status DtlsEngine::sendApplicationData(std::span<const uint8_t> data) {
  if (state_ != DtlsState::kConnected) return Error::state("dtls not connected");
  if (data.empty() || data.size() > INT_MAX) return Error::malformed("bad application data size");
  ERR_clear_error();
  const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
  flushOutgoing();
  if (n <= 0) return Error{Error::Code::kInternal, "SSL_write failed"};
  return {};
}

std::optional<Fingerprint> DtlsEngine::peerFingerprint() const noexcept {
  if (!peerCert_) return std::nullopt;
  const auto alg = remoteFingerprint_ ? remoteFingerprint_->algorithm : FingerprintAlgorithm::kSha256;
  auto fp = computeFingerprint(peerCert_.get(), alg);
  if (!fp) return std::nullopt;
  return *fp;
}

// OpenSSL writes whole records into the memory BIO, sized as if each flush had emptied it;
// pack them back into datagrams of at most mtu_ so a flight survives real paths.
void DtlsEngine::flushOutgoing() {
  char* raw = nullptr;
  const long len = BIO_get_mem_data(writeBio_, &raw);
  if (len <= 0 || raw == nullptr) return;
  const std::span<const uint8_t> all(reinterpret_cast<const uint8_t*>(raw), static_cast<size_t>(len));
  size_t start = 0;
  size_t end = 0;
  wd::RecordIterator it(all);
  wd::Record rec;
  while (it.next(rec)) {
    if (it.consumed() - start > mtu_ && end > start) {
      listener_.onDtlsSend(all.subspan(start, end - start));
      start = end;
    }
    end = it.consumed();
  }
  if (it.error()) end = all.size();  // not expected from OpenSSL; send it unchanged
  if (end > start) listener_.onDtlsSend(all.subspan(start, end - start));
  (void)BIO_reset(writeBio_);
}

void DtlsEngine::fail(std::string reason) {
  if (state_ == DtlsState::kFailed || state_ == DtlsState::kClosed) return;
  state_ = DtlsState::kFailed;
  reason_ = std::move(reason);
  listener_.onDtlsFailed(reason_);
}

std::string DtlsEngine::sslErrorReason(const char* what, int sslError) const {
  std::string text(what);
  const unsigned long err = ERR_peek_last_error();
  const char* detail = err ? ERR_reason_error_string(err) : nullptr;
  if (detail) {
    text += ": ";
    text += detail;
  } else {
    text += ": ssl error " + std::to_string(sslError);
  }
  ERR_clear_error();
  return text;
}

}  // namespace rtcgate::crypto::dtls
