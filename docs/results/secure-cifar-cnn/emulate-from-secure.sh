#!/bin/bash
# Issue 17 experiment: the fixed-point emulation continued from the secure run's own checkpoint of STEP (both
# servers' shares added up by org.twintrain.tools.SecureToLocal), to the end of the run, once per rounding stream:
# the emulation command of secure-cifar-cnn.md plus --checkpoint. Needs both stores, so it is an experimenter's
# tool, never an operator's (in a deployment only the model owner sees revealed weights, and only the final ones).
# Usage: emulate-from-secure.sh WORKTREE RUNDIR STEP R...   (WORKTREE: built code with the tool; RUNDIR: /tmp/c17)
WT=${1:?worktree}; T=${2:?run folder}; STEP=${3:?step}; shift 3
cd "$WT"
export SPARK_LOCAL_IP=127.0.0.1   # Spark binds loopback only
CP="spark-jobs/target/classes:$(cat spark-jobs/target/classpath.txt)"
OUT=$T/resume
mkdir -p $OUT
java -cp "$CP" org.twintrain.tools.SecureToLocal --store0 $T/server0/store --store1 $T/server1/store \
  --run cifar-cnn-d3w1 --step $STEP --seed 1 --out $OUT/secure-$STEP.ckpt
for R in "$@"; do
  cp $OUT/secure-$STEP.ckpt $OUT/from$STEP-r$R.ckpt   # TrainLocal overwrites its checkpoint each epoch
  java -Xmx8g $(cat spark-jobs/target/classes/twintrain/jvm.flags) -cp "$CP" org.twintrain.tools.TrainLocal \
    --shares $T/server0/store,$T/server1/store --model cnn --depth 3 --width 1 --batchNorm false \
    --backend fixed:16 --threads 1 --epochs 11 --batch 128 --lr '0.05@1560/780*0.1' --approx exp=pwl:4 \
    --roundingSeed $R --checkpoint $OUT/from$STEP-r$R.ckpt > $OUT/from$STEP-r$R.out 2> $OUT/from$STEP-r$R.err
done
