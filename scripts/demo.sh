#!/usr/bin/env bash
# The README's main-job command: set up the machine, then run the whole
# pipeline on built-in synthetic data. Extra arguments go to `ppctl demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if bin/ppctl demo --help >/dev/null 2>&1; then
  exec bin/ppctl demo "$@"
fi
# Until the demo lands, show what the machine offers.
exec bin/ppctl env "$@"
