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
export SPARK_LOCAL_IP=127.0.0.1   # Spark binds loopback only
CP="spark-jobs/target/classes:$(cat spark-jobs/target/classpath.txt)"
OUT=$T/step-check
mkdir -p $OUT
emulate() {   # the emulation command of secure-cifar-cnn.md, stopped after STEPS steps
  java -Xmx8g $(cat spark-jobs/target/classes/twintrain/jvm.flags) -cp "$CP" org.twintrain.tools.TrainLocal \
    --shares $T/server0/store,$T/server1/store --model cnn --depth 3 --width 1 --batchNorm false \
    --threads 1 --epochs 11 --batch 128 --lr '0.05@1560/780*0.1' --approx exp=pwl:4 --maxSteps $STEPS "$@"
}
case $KIND in
  double) emulate --backend double --checkpoint $OUT/double.ckpt > $OUT/double.out ;;
  emulation)
    for R in "$@"; do
      emulate --backend fixed:16 --roundingSeed $((1000 + R)) --checkpoint $OUT/emulation-$R.ckpt \
        > $OUT/emulation-$R.out
    done ;;
  secure)
    { cat $T/run.properties
      echo "train.maxSteps = $STEPS"
      echo "train.checkpointEvery = $STEPS"
      echo "triples.inApplicationDealer = either-server-can-unmask-everything"
      for s in 0 1; do
        echo "channel.server$s.key = $T/server$s/keys/key.pem"
        echo "channel.server$s.cert = $T/server$s/keys/cert.pem"
        echo "channel.server$s.peerCert = $T/server$s/keys/peer.pem"
      done; } > $OUT/secure.properties
    for R in "$@"; do
      TWINTRAIN_LOCAL=1 TWINTRAIN_DRIVER_MEMORY=12g /usr/bin/time -v submit/twintrain train \
        --store0 $T/server0/store --store1 $T/server1/store --data train --run step-check-$R \
        --conf $OUT/secure.properties > $OUT/secure-$R.out 2> $OUT/secure-$R.err
      java -cp "$CP" org.twintrain.tools.SecureToLocal --store0 $T/server0/store --store1 $T/server1/store \
        --run step-check-$R --step $STEPS --seed 1 --out $OUT/secure-$R.ckpt
    done ;;
  *) echo "KIND must be secure, emulation or double" >&2; exit 2 ;;
esac
