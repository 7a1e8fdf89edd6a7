#!/usr/bin/env bash
# Builds and installs libcgotorch.so, the C++ shim that gotorch's cgo lines
# link (-lcgotorch) and that nobody ships prebuilt.
#
# The sources are the pinned gotorch module's own cgotorch/*.cc, compiled
# unchanged against the installed libtorch: Debian 12's libtorch-dev by
# default, or the libtorch folder named by LIBTORCH (e.g. a CUDA build in the
# Docker image, which adds -DWITH_CUDA and links torch_cuda).
#
# The library goes to $PREFIX/lib (default /usr/local/lib, which the linker
# and the loader search), followed by ldconfig, so `go build` and `go test`
# need no environment variable. The build is parallel and incremental: a
# second run with nothing changed compiles nothing and installs nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
prefix=${PREFIX:-/usr/local}
out=${CGOTORCH_BUILD:-$root/third_party/build/cgotorch}

cd "$root"
go mod download github.com/wangkuiyi/gotorch
src=$(go list -m -f '{{.Dir}}' github.com/wangkuiyi/gotorch)/cgotorch
[ -d "$src" ] || { echo "build-cgotorch: gotorch sources not found at $src" >&2; exit 1; }

defs=""
if [ -n "${LIBTORCH:-}" ]; then
  incs="-I$LIBTORCH/include -I$LIBTORCH/include/torch/csrc/api/include"
  libs="-L$LIBTORCH/lib -Wl,-rpath,$LIBTORCH/lib -ltorch -ltorch_cpu -lc10"
  if [ -e "$LIBTORCH/lib/libtorch_cuda.so" ]; then
    defs="-DWITH_CUDA"
    # Nothing references libtorch_cuda's symbols directly; --no-as-needed
    # keeps it linked so that its CUDA kernels register at load time.
    libs="$libs -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed"
  fi
else
  [ -f /usr/include/torch/csrc/api/include/torch/torch.h ] || {
    echo "build-cgotorch: libtorch headers missing; run: apt-get install libtorch-dev (or set LIBTORCH=/path/to/libtorch)" >&2
    exit 1
  }
  incs="-I/usr/include/torch/csrc/api/include"
  libs="-ltorch -ltorch_cpu -lc10"
fi

jobs=$(nproc 2>/dev/null || echo 2)
make --no-print-directory -s -j"$jobs" -f "$here/cgotorch.mk" \
  SRC="$src" OUT="$out" INCS="$incs" LIBS="$libs" DEFS="$defs"

dest=$prefix/lib/libcgotorch.so
if ! cmp -s "$out/libcgotorch.so" "$dest"; then
  mkdir -p "$prefix/lib"
  install -m 0755 "$out/libcgotorch.so" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"
  if command -v ldconfig >/dev/null; then ldconfig; fi
  echo "build-cgotorch: installed $dest"
fi
