#!/usr/bin/env bash
# The README's test command: set up the machine, then vet and run every test.
# Extra arguments go to `go test` (e.g. -run Golden, -short).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH=$PATH:/usr/local/go/bin
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test: not gofmt-formatted:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
# The test binaries run side by side on a small machine; spinning OpenMP
# threads then starve each other (a 10x slowdown measured here), so they
# sleep while waiting instead.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
go test -count=1 -timeout 25m "$@" ./...
