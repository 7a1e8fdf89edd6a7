#!/usr/bin/env bash
# The README's main-job command: set up the machine, then run the whole
# pipeline on built-in synthetic data. Extra arguments go to `ppctl demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The demo folder is scratch: a rerun replaces the previous demo.
exec bin/ppctl demo --force "$@"
