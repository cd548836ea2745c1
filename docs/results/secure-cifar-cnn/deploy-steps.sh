#!/bin/bash
# Issue 17 measurement: the run's first STEPS training steps as the operators run them (secure-cifar-cnn.md's
# commands: the dealer's triples job dealing windows of 12 steps at most 2 ahead into the two stores, and
# train --server 0 and --server 1 as two applications over mutual TLS on 127.0.0.1), to time a deployment step.
# No secure evaluation: the plan is the run's with train.maxSteps = STEPS and no test set. The windows are
# deleted as checkpoints cover them; what is left of the plan's folder is removed at the end. Run alone, from a
# checkout's root (the code measured) after setup.sh RUNDIR; a checkout whose build is not in ~/.m2 sets
# TWINTRAIN_NO_BUILD=1. Writes RUNDIR/deploy-TAG/: each process's output and GNU time, and steps.txt (server 0's
# progress lines). JFR=1 records a profile of each process (NAME.jfr).
# STEPS=all runs the whole plan as the results page's run did: the dealer and the servers with the dev set for the
# servers' secure evaluation, then the model owner's reveal of the two model shares and evaluate, and every kept
# checkpoint scored by jobs.reveal.CheckpointCurve (RUNDIR/deploy-TAG/owner/: model, evaluate.out, curve.tsv).
# SERVER_MEMORY sets the servers' heaps (the launcher's 4g by default; the whole plan with the dev set needs more:
# at 4g both servers ran out of heap in the range check of step 60).
# Usage: deploy-steps.sh RUNDIR TAG   (STEPS=36 and PORT=47100 by default)
set -euo pipefail
T=${1:?run folder}; TAG=${2:?tag}
STEPS=${STEPS:-36}; PORT=${PORT:-47100}
export SPARK_LOCAL_IP=127.0.0.1 TWINTRAIN_LOCAL=1
OUT=$T/deploy-$TAG
rm -rf $OUT; mkdir -p $OUT
TEST=()
if [[ $STEPS == all ]]; then
  cp $T/run.properties $OUT/run.properties; TEST=(--test dev)
else
  { cat $T/run.properties; echo "train.maxSteps = $STEPS"; } > $OUT/run.properties
fi
for s in 0 1; do
  cat > $OUT/server$s.properties <<PROPS
channel.host = 127.0.0.1
channel.port = $PORT
channel.connectTimeoutMs = 600000
channel.server$s.key = $T/server$s/keys/key.pem
channel.server$s.cert = $T/server$s/keys/cert.pem
channel.server$s.peerCert = $T/server$s/keys/peer.pem
PROPS
done
run() { # NAME COMMAND...: in the background, GNU time into NAME.time, its PID into NAME.pid; JFR=1: a profile
  local name=$1; shift
  local opts=${JAVA_TOOL_OPTIONS:-}
  [[ ${JFR:-0} == 1 ]] && opts="$opts -XX:StartFlightRecording=filename=$OUT/$name.jfr,settings=profile"
  JAVA_TOOL_OPTIONS=$opts /usr/bin/time -v -o $OUT/$name.time "$@" > $OUT/$name.out 2> $OUT/$name.err &
  echo $! > $OUT/$name.pid
}
run dealer submit/twintrain triples --data train "${TEST[@]}" --store0 $T/server0/store --store1 $T/server1/store \
  --conf $OUT/run.properties --window-steps 12 --ahead 2 --idle-minutes 10
PLAN=
for i in $(seq 600); do
  PLAN=$(grep -ho 'set triples.plan=[0-9a-f]*' $OUT/dealer.out $OUT/dealer.err 2>/dev/null | head -1 | cut -d= -f2) || true
  [[ -n $PLAN ]] && break
  kill -0 $(cat $OUT/dealer.pid) 2>/dev/null || { echo "the dealer stopped; see $OUT/dealer.err" >&2; exit 1; }
  sleep 1
done
[[ -n $PLAN ]] || { echo "the dealer printed no plan" >&2; exit 1; }
for s in 0 1; do
  TWINTRAIN_DRIVER_MEMORY=${SERVER_MEMORY:-4g} run server$s submit/twintrain train --server $s \
    --store $T/server$s/store --data train "${TEST[@]}" --run deploy-$TAG --conf $OUT/run.properties \
    --conf $OUT/server$s.properties --set triples.plan=$PLAN
done
rc=0
for p in server0 server1 dealer; do wait $(cat $OUT/$p.pid) || rc=$?; done
grep -h 'step ' $OUT/server0.out $OUT/server0.err | grep -v WARN > $OUT/steps.txt || true
rm -rf $T/server0/store/triples/$PLAN $T/server1/store/triples/$PLAN
if [[ $STEPS == all && $rc == 0 ]]; then   # the model owner, with the two model shares the operators sent
  mkdir -p $OUT/owner/received
  for s in 0 1; do cp -r $T/server$s/store/model/deploy-$TAG $OUT/owner/received/server$s; done
  submit/twintrain reveal --share0 $OUT/owner/received/server0 --share1 $OUT/owner/received/server1 \
    --run deploy-$TAG --out $OUT/owner/model --input 3x32x32 --conf $OUT/run.properties > $OUT/owner/reveal.out 2>&1
  submit/twintrain evaluate --model $OUT/owner/model --data $T/owner/prepared/data/split=dev > $OUT/owner/evaluate.out 2>&1
  source "$(dirname "$0")/common.sh"   # after the build: its classpath file
  checkpoint_curve $T deploy-$TAG $OUT/run.properties > $OUT/owner/curve.tsv 2> $OUT/owner/curve.err
fi
echo "plan $PLAN, exit $rc; $OUT"
exit $rc
