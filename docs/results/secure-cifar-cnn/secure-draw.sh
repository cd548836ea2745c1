#!/bin/bash
# Issue 17 experiment: another draw of the secure run's randomness. The run's plan (RUNDIR/run.properties, all 11
# epochs, every epoch's checkpoint kept) trained securely again, both servers in one application with the
# in-application dealer (an experimenter's set-up: either server could unmask everything; the arithmetic, bytes
# and rounds are the deployment's), then every kept checkpoint revealed and scored on the dev split by
# jobs.reveal.CheckpointCurve. Run from the repository's root after setup.sh. STEPS (optional) stops it early and
# keeps every checkpoint: a smoke test of the script.
# Usage: secure-draw.sh RUNDIR R   (R names the draw: run secure-draw-R, files RUNDIR/draws/draw-R.*)
set -euo pipefail
T=${1:?run folder}; R=${2:?draw number}
source "$(dirname "$0")/common.sh"
OUT=$T/draws
mkdir -p $OUT
smoke=()
if [ -n "${STEPS:-}" ]; then smoke=("train.maxSteps = $STEPS" "train.checkpointKeepEvery = 12"); fi
experimenter_properties $T "${smoke[@]}" > $OUT/draw-$R.properties
TWINTRAIN_LOCAL=1 TWINTRAIN_DRIVER_MEMORY=12g /usr/bin/time -v submit/twintrain train \
  --store0 $T/server0/store --store1 $T/server1/store --data train --test dev --run secure-draw-$R \
  --conf $OUT/draw-$R.properties > $OUT/draw-$R.out 2> $OUT/draw-$R.err
checkpoint_curve $T secure-draw-$R $OUT/draw-$R.properties > $OUT/draw-$R-curve.tsv 2> $OUT/draw-$R-curve.err
cat $OUT/draw-$R-curve.tsv
