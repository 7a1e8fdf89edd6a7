#!/bin/bash
# The seed study of ssl/EVIDENCE.md: for every seed, the random-init
# encoder, and SimCLR and RotNet pretrained from those same weights, each
# embedded with `ppctl embed`; then scripts/knn_repeats.py judges them all
# on the same repeated kNN splits and compares each pretext with random
# init seed by seed.
#
#   scripts/ssl-seeds.sh DATA OUT [extra rotnet flags, e.g. --all-rotations --augment]
#
# DATA is a `ppctl synth` directory (its truth.csv holds the clean labels).
# Environment: SEEDS (default "42 7 8 9 10 11"), SIZE (96), SIMCLR_EPOCHS
# (30), ROTNET_EPOCHS (30), ROTNET_NAME (rotnet: the name of the RotNet
# runs in OUT, so that another RotNet recipe can join the same OUT and
# reuse its random and SimCLR encoders), PPCTL (the ppctl binary; default
# ppctl on PATH). Finished encoders are kept: run it again to add seeds or
# resume.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DATA OUT [extra rotnet flags]" >&2
  exit 2
fi
data=$1 out=$2
shift 2
seeds=${SEEDS:-42 7 8 9 10 11}
rotnet=${ROTNET_NAME:-rotnet}
size=${SIZE:-96}
ppctl=${PPCTL:-ppctl}
if [ ! -f "$data/truth.csv" ]; then
  echo "ssl-seeds: $data/truth.csv not found; DATA must be a ppctl synth directory" >&2
  exit 2
fi
common=(--data "$data" --arch seresnext_tiny --size "$size" --bs 32 --lr 1e-3 --valid-pct 0 --progress quiet --force)
mkdir -p "$out"

# embed ENCODER CSV [flags]: the encoder's features, unless already there.
embed() {
  local enc=$1 csv=$2
  shift 2
  [ -f "$csv" ] || "$ppctl" embed --encoder "$enc" --arch seresnext_tiny --data "$data" --size "$size" --out "$csv" "$@" >/dev/null
}

for s in $seeds; do
  embed random "$out/random-$s.csv" --seed "$s"
  if [ ! -f "$out/simclr-$s.csv" ]; then
    echo "ssl-seeds: seed $s: SimCLR" >&2
    "$ppctl" pretrain simclr "${common[@]}" --resize "$size" --epochs "${SIMCLR_EPOCHS:-30}" --seed "$s" --out "$out/simclr-$s"
    embed "$out/simclr-$s" "$out/simclr-$s.csv"
  fi
  if [ ! -f "$out/$rotnet-$s.csv" ]; then
    echo "ssl-seeds: seed $s: RotNet $*" >&2
    "$ppctl" pretrain rotnet "${common[@]}" --epochs "${ROTNET_EPOCHS:-30}" --seed "$s" --out "$out/$rotnet-$s" "$@"
    embed "$out/$rotnet-$s" "$out/$rotnet-$s.csv"
  fi
done

# list NAME: the group's CSVs in seed order, comma-separated.
list() {
  local sep=""
  for s in $seeds; do
    printf '%s%s' "$sep" "$out/$1-$s.csv"
    sep=,
  done
}
/usr/bin/python3 "$(dirname "$0")/knn_repeats.py" --truth "$data/truth.csv" \
  "random=$(list random)" "simclr=$(list simclr)" "$rotnet=$(list "$rotnet")" --baseline random
