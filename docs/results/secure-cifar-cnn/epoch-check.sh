#!/bin/bash
# Issue 17 experiment: does the secure run's epoch-to-epoch step scatter more than its emulation's? From each
# kept epoch checkpoint K (step 156 K) of secure run RUN, both servers' shares are added up
# (org.twintrain.tools.SecureToLocal) and the emulation continues for one epoch, once per rounding stream; the
# secure run's own checkpoint of epoch K+1 is then one more draw of the same transition if the two arithmetics
# agree (summary: epoch-check-summary.py). An experimenter's tool: it reads both stores.
# Usage: epoch-check.sh RUNDIR RUN "K..." "R..."   (run from the repository's root after setup.sh; files in
# RUNDIR/epoch-check/RUN/)
set -euo pipefail
T=${1:?run folder}; RUN=${2:?secure run id}; EPOCHS=${3:?epochs to start from}; STREAMS=${4:?rounding streams}
source "$(dirname "$0")/common.sh"
OUT=$T/epoch-check/$RUN
mkdir -p $OUT
for K in $EPOCHS; do
  STEP=$((156 * K))
  secure_to_local $T $RUN $STEP $OUT/secure-$STEP.ckpt
  for R in $STREAMS; do
    cp $OUT/secure-$STEP.ckpt $OUT/from$STEP-r$R.ckpt   # TrainLocal overwrites its checkpoint
    emulate $T --backend fixed:16 --roundingSeed $R --checkpoint $OUT/from$STEP-r$R.ckpt --maxSteps $((STEP + 156)) \
      > $OUT/from$STEP-r$R.out 2> $OUT/from$STEP-r$R.err
    rm $OUT/from$STEP-r$R.ckpt
  done
  rm $OUT/secure-$STEP.ckpt
done
