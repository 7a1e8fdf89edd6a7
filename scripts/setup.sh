#!/usr/bin/env bash
# Makes a fresh Debian 12 machine ready to build, test and run ppctl:
# Debian's libtorch (CPU) and the Python oracle for golden tests, gotorch's
# C++ shim built against that libtorch, and the ppctl binary in bin/.
#
# Idempotent: a second run installs nothing, compiles nothing that has not
# changed, and takes a few seconds. Set PPCTL_SETUP_QUIET=1 to print only
# what changes.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { [ "${PPCTL_SETUP_QUIET:-0}" = 1 ] || echo "setup: $*"; }

# 1. Go 1.26 or newer. Debian 12's own golang package is 1.19, too old.
export PATH=$PATH:/usr/local/go/bin
if ! command -v go >/dev/null; then
  echo "setup: Go is not installed. ppctl needs Go 1.26 or newer: install it from the official" >&2
  echo "       tarball into /usr/local/go (Debian 12's golang package is 1.19, too old)." >&2
  exit 1
fi
gov=$(go env GOVERSION | sed 's/^go//')
major=${gov%%.*}; rest=${gov#*.}; minor=${rest%%.*}
if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 26 ]; }; then
  echo "setup: found Go $gov at $(command -v go); ppctl needs Go 1.26 or newer." >&2
  echo "       Install Go 1.26 into /usr/local/go and put /usr/local/go/bin first on PATH." >&2
  exit 1
fi

# 2. System packages, installed only when one is missing.
#    libtorch-dev      libtorch 1.13 (CPU, oneDNN): the kernels
#    python3-torch     the same torch for Python: the golden-value oracle
#    python3-sklearn   ROC AUC and friends, oracle for the metrics
#    python3-pil, python3-torchvision
#                      oracle for augmentations and the data benchmark
#    libjpeg62-turbo-dev  libjpeg-turbo for the default JPEG decoder
#    g++ make          build the shim
pkgs="libtorch-dev python3-torch python3-sklearn python3-pil python3-torchvision libjpeg62-turbo-dev g++ make"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  say "installing$missing"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# 3. gotorch's shim (libcgotorch.so), built from the pinned module's sources.
bash third_party/build-cgotorch.sh

# 4. The ppctl binary.
mkdir -p bin
go build -o bin/ppctl ./cmd/ppctl
say "ready: bin/ppctl ($(bin/ppctl version))"
