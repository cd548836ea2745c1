#!/bin/bash
# Issue 17 experiment: is the secure arithmetic the fixed-point emulation's, in distribution? Both train the run
# of secure-cifar-cnn.md for its first STEPS steps from the same initial weights on the same minibatches, several
# times each with fresh randomness, and StepCheck.java compares their weights and velocities with double
# precision's. Run from the repository's root after setup.sh. An experimenter's check, never an operator's: the
# secure replicates run both servers in one application with the in-application dealer (either server could
# unmask everything) and are added up from both stores by org.twintrain.tools.SecureToLocal.
# Usage: step-check.sh RUNDIR secure|emulation|double R...   (R: replicate numbers; STEPS=12 by default)
set -euo pipefail
T=${1:?run folder}; KIND=${2:?secure, emulation or double}; shift 2
STEPS=${STEPS:-12}
source "$(dirname "$0")/common.sh"
OUT=$T/step-check
mkdir -p $OUT
case $KIND in
  double) emulate $T --maxSteps $STEPS --backend double --checkpoint $OUT/double.ckpt > $OUT/double.out ;;
  emulation)
    for R in "$@"; do
      emulate $T --maxSteps $STEPS --backend fixed:16 --roundingSeed $((1000 + R)) --checkpoint $OUT/emulation-$R.ckpt \
        > $OUT/emulation-$R.out
    done ;;
  secure)
    experimenter_properties $T "train.maxSteps = $STEPS" "train.checkpointEvery = $STEPS" > $OUT/secure.properties
    for R in "$@"; do
      TWINTRAIN_LOCAL=1 TWINTRAIN_DRIVER_MEMORY=12g /usr/bin/time -v submit/twintrain train \
        --store0 $T/server0/store --store1 $T/server1/store --data train --run step-check-$R \
        --conf $OUT/secure.properties > $OUT/secure-$R.out 2> $OUT/secure-$R.err
      java -cp "$CP" org.twintrain.tools.SecureToLocal --store0 $T/server0/store --store1 $T/server1/store \
        --run step-check-$R --step $STEPS --seed 1 --out $OUT/secure-$R.ckpt
    done ;;
  *) echo "KIND must be secure, emulation or double" >&2; exit 2 ;;
esac
