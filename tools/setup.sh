#!/usr/bin/env bash
# Installs what pgark needs on Debian 12 (idempotent: only missing packages are installed),
# then configures and builds it in ./build. Used by tools/demo.sh and tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ meson ninja-build pkg-config          # toolchain
  libpq-dev zlib1g-dev libssl-dev           # libpq, zlib, OpenSSL libcrypto
  libdeflate-dev libisal-dev                # fast gzip compression (README: Dependencies)
  libzstd-dev zstd                          # --compress zstd (zstd: the tests' oracle)
  libabsl-dev nlohmann-json3-dev            # Abseil (status, strings), JSON
  libpg-query-dev                           # PostgreSQL's parser: archives' schema statements
  libcpp-httplib-dev                        # HTTP server for `pgark mcp --http` (with OpenSSL)
  libcurl4-openssl-dev libexpat1-dev        # S3 object storage: HTTP + SigV4, XML listings
  dpkg-dev lintian mmdebstrap               # tools/package.sh and its minbase proof
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql postgresql-client gzip         # test cluster and test oracles (never used by pgark)
  curl openssl                              # the MCP HTTP tests (Host header, TLS certificates)
  clang libfuzzer-14-dev libclang-rt-14-dev # the fuzz targets, ASan and UBSan (tools/fuzz.sh)
)
# Node.js runs the MCP conformance tests with the official SDK client; any packaged one will do.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -f build/build.ninja ]]; then
  meson setup build --buildtype=debugoptimized >/dev/null
fi
ninja -C build >/dev/null
