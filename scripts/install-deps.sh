#!/usr/bin/env bash
# Installs every Debian package rtcgate needs to build, test and run; with --fuzz also clang
# and its sanitizer runtimes (make fuzz), which the build and the tests do not need.
# Idempotent and quick when everything is present: it only calls apt-get for what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # libraries (DESIGN.md §7)
  libboost-dev libboost-system-dev   # Asio event loops, Beast HTTP
  libssl-dev                         # DTLS, certificates, SRTP ciphers (EVP)
  libsrtp2-dev                       # libsrtp2: interop oracle and benchmark baseline for our SRTP
  libspdlog-dev libfmt-dev           # logging
  libcli11-dev                       # command line
  libtomlplusplus-dev                # config file
  nlohmann-json3-dev                 # JSON (admin API)
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  libavcodec-dev libavutil-dev       # Transcoder (codec/) and rtcgate-load: H.264 (x264), VP8, Opus, AAC
  libswscale-dev libswresample-dev   # Transcoder: pixel formats, 44.1/48 kHz and channel layouts
  libavformat-dev                    # recordings: fragmented MP4 and WebM files (mcu/Recorder)
  libhiredis-dev                     # cluster: the Redis directory's client (cluster/, Asio adapter ours)
  # tools the test suite drives
  iproute2 util-linux curl
  chromium ffmpeg nftables nodejs npm   # end-to-end suite (tests/e2e, see docs TESTING)
  nginx libnginx-mod-rtmp               # end-to-end suite: an RTMP CDN to push to
  redis-server                          # cluster: the directory (tests start their own; scripts/cluster-demo.sh)
  # end-to-end suite: GStreamer webrtcbin (libnice ICE), a second WebRTC stack as a WHIP publisher
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-nice python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0
)

if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)   # libFuzzer targets, ASan/UBSan (make fuzz)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# node and npm may come from elsewhere than Debian (NodeSource, nvm); any node >= 20 will do.
if command -v node >/dev/null && command -v npm >/dev/null &&
   [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "install-deps: node $(node --version) is too old for tests/e2e (needs >= 20, e.g. from NodeSource)" >&2
  exit 1
fi

# playwright-core for tests/e2e, pinned by its package-lock.json; reinstalled only when the lock
# file changed since the last install (npm ci writes node_modules/.package-lock.json).
e2e="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e" && pwd)"
if [ ! -f "$e2e/node_modules/.package-lock.json" ] ||
   [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci in tests/e2e"
  npm ci --prefix "$e2e" --no-audit --no-fund --loglevel=error
fi
