#!/usr/bin/env bash
# Installs every Debian package rtcgate needs to build, test and run.
# Idempotent and quick when everything is present: it only calls apt-get for what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries (DESIGN.md §7)
  libboost-dev libboost-system-dev   # Asio event loops, Beast HTTP
  libssl-dev                         # DTLS, certificates, SRTP ciphers (EVP)
  libsrtp2-dev                       # libsrtp2: interop oracle and benchmark baseline for our SRTP
  libspdlog-dev libfmt-dev           # logging
  libcli11-dev                       # command line
  libtomlplusplus-dev                # config file
  nlohmann-json3-dev                 # JSON (admin API)
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  libavcodec-dev libavutil-dev       # rtcgate-load: VP8/H.264/Opus test media (bench only)
  # tools the test suite drives
  iproute2 util-linux curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
