#!/bin/bash
# Issue 17 experiment: the fixed-point emulation continued from the secure run's own checkpoint of STEP (both
# servers' shares added up by org.twintrain.tools.SecureToLocal), to the end of the run, once per rounding stream:
# the emulation command of secure-cifar-cnn.md plus --checkpoint. Needs both stores, so it is an experimenter's
# tool, never an operator's (in a deployment only the model owner sees revealed weights, and only the final ones).
# Usage: emulate-from-secure.sh WORKTREE RUNDIR STEP R...   (WORKTREE: built code with the tool; RUNDIR: /tmp/c17)
WT=${1:?worktree}; T=${2:?run folder}; STEP=${3:?step}; shift 3
HERE=$(dirname "$(readlink -f "$0")")
cd "$WT"
source "$HERE/common.sh"   # after cd: the classpath is the worktree's
OUT=$T/resume
mkdir -p $OUT
secure_to_local $T cifar-cnn-d3w1 $STEP $OUT/secure-$STEP.ckpt
for R in "$@"; do
  cp $OUT/secure-$STEP.ckpt $OUT/from$STEP-r$R.ckpt   # TrainLocal overwrites its checkpoint each epoch
  emulate $T --backend fixed:16 --roundingSeed $R --checkpoint $OUT/from$STEP-r$R.ckpt \
    > $OUT/from$STEP-r$R.out 2> $OUT/from$STEP-r$R.err
done
