#!/bin/bash
# Issue 17 experiment: the fixed-point emulation of the secure run (the command of secure-cifar-cnn.md, all
# 11 epochs from the run's initial weights on the stores' rows in the servers' order), once per rounding stream
# R; each stream's per-epoch dev accuracy goes to RUNDIR/emulation-fixed-rR.out. Run from the repository's root
# after setup.sh; one thread per stream (two streams at a time fill this machine's 2 cores).
# Usage: emulation-seeds.sh RUNDIR R...
set -euo pipefail
T=${1:?run folder}; shift
export SPARK_LOCAL_IP=127.0.0.1   # Spark binds loopback only
CP="spark-jobs/target/classes:$(cat spark-jobs/target/classpath.txt)"
for R in "$@"; do
  java -Xmx8g $(cat spark-jobs/target/classes/twintrain/jvm.flags) -cp "$CP" org.twintrain.tools.TrainLocal \
    --shares $T/server0/store,$T/server1/store --model cnn --depth 3 --width 1 --batchNorm false \
    --backend fixed:16 --threads 1 --epochs 11 --batch 128 --lr '0.05@1560/780*0.1' --approx exp=pwl:4 \
    --roundingSeed $R > $T/emulation-fixed-r$R.out
done
