#!/bin/sh
# Runs a ppctl benchmark and its PyTorch twin side by side on one core and
# prints both figures and their ratio (ppctl / PyTorch).
#
#   scripts/bench-vs-pytorch.sh data DIR [extra flags for both, e.g. --color]
#   scripts/bench-vs-pytorch.sh model [flags for both, e.g. --arch seresnext50_32x4d --size 128 --bs 16 --mode train]
#
# Modes:
#   data DIR   the SimCLR input pipeline: `ppctl bench data` with one worker
#              and GOMAXPROCS=1 against scripts/bench_data_pil.py (PIL draft
#              + torchvision, torch.set_num_threads(1)), cold and warm.
#              DIR is a dataset directory or a folder of JPEGs; to make
#              full-resolution ones: /usr/bin/python3
#              scripts/bench_data_pil.py --make-jpegs DIR --n 64
#
#   model      a training step (forward, backward, AdamW) or inference of the
#              same network: `ppctl bench model` against
#              scripts/bench_model_torch.py, both on the same libtorch with
#              the same thread count (every core unless --threads N).
#
# A new mode adds a run_<mode> function that prints the JSON
# lines of both sides to two files; the comparison below is shared.
# Environment: PPCTL (the ppctl binary; default: go build into a temp dir),
# PYTHON (default /usr/bin/python3), REPEAT (default 3): both sides run
# REPEAT times, alternating, and each side's best run counts, so that a
# burst of load from other jobs on a shared machine does not decide the
# ratio.
set -eu

usage() { echo "usage: $0 data DIR [flags] | $0 model [flags]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mode=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "${PPCTL:-}" ]; then
	(cd "$root" && go build -o "$tmp/ppctl" ./cmd/ppctl)
	PPCTL=$tmp/ppctl
fi

run_data() {
	[ $# -ge 1 ] || usage
	dir=$1; shift
	GOMAXPROCS=1 "$PPCTL" bench data --data "$dir" --workers 1 --json "$@" >>"$tmp/go.jsonl"
	"$PYTHON" "$root/scripts/bench_data_pil.py" --data "$dir" --json "$@" >>"$tmp/py.jsonl"
}

run_model() {
	"$PPCTL" bench model --json "$@" >>"$tmp/go.jsonl"
	"$PYTHON" "$root/scripts/bench_model_torch.py" --json "$@" >>"$tmp/py.jsonl"
}

case $mode in
data | model) ;;
*) usage ;;
esac
REPEAT=${REPEAT:-3}
i=0
while [ "$i" -lt "$REPEAT" ]; do
	"run_$mode" "$@"
	i=$((i + 1))
done

# Pair the lines by mode, keep each side's best run per mode, and print
# rate per wall second and per CPU-second (when both sides report it) and
# the ratios.
"$PYTHON" - "$tmp/go.jsonl" "$tmp/py.jsonl" <<'PY'
import json, sys
def load(p):
    best = {}
    for r in map(json.loads, open(p)):
        b = best.setdefault(r["mode"], dict(r))
        for k in ("img_per_s", "cpu_img_per_s"):
            if r.get(k, 0) > b.get(k, 0):
                b[k] = r[k]
    return best
go, py = load(sys.argv[1]), load(sys.argv[2])
print(f"{'mode':6s} {'ppctl img/s':>12s} {'pytorch img/s':>14s} {'ratio':>7s}"
      f" {'ppctl /CPU-s':>13s} {'pytorch /CPU-s':>15s} {'ratio':>7s}")
for mode, g in go.items():
    p = py.get(mode)
    if p is None:
        continue
    line = f"{mode:6s} {g['img_per_s']:12.1f} {p['img_per_s']:14.1f} {g['img_per_s'] / p['img_per_s']:6.2f}x"
    if g.get("cpu_img_per_s") and p.get("cpu_img_per_s"):
        gc, pc = g["cpu_img_per_s"], p["cpu_img_per_s"]
        line += f" {gc:13.1f} {pc:15.1f} {gc / pc:6.2f}x"
    print(line)
PY
