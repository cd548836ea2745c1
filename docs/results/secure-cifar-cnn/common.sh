# Sourced by the issue-17 experiment scripts of this folder (run from the repository's root): the run's
# emulation command and the experimenter's one-application configuration, each written once.
export SPARK_LOCAL_IP=127.0.0.1   # Spark binds loopback only
CP="spark-jobs/target/classes:$(cat spark-jobs/target/classpath.txt)"

# The fixed-point emulation of the run (the command of secure-cifar-cnn.md) on RUNDIR's stores; the caller adds
# the backend, rounding stream, checkpoint or step limit. Usage: emulate RUNDIR ARGS...
emulate() {
  local t=$1; shift
  java -Xmx8g $(cat spark-jobs/target/classes/twintrain/jvm.flags) -cp "$CP" org.twintrain.tools.TrainLocal \
    --shares $t/server0/store,$t/server1/store --model cnn --depth 3 --width 1 --batchNorm false \
    --threads 1 --epochs 11 --batch 128 --lr '0.05@1560/780*0.1' --approx exp=pwl:4 "$@"
}

# The run's plan plus the lines given, then the in-application dealer and both servers' key files: both servers
# in one application, an experimenter's set-up (either server could unmask everything), on standard output.
# Usage: experimenter_properties RUNDIR [LINE ...]
experimenter_properties() {
  local t=$1; shift
  cat $t/run.properties
  for line in "$@"; do echo "$line"; done
  echo "triples.inApplicationDealer = either-server-can-unmask-everything"
  for s in 0 1; do
    echo "channel.server$s.key = $t/server$s/keys/key.pem"
    echo "channel.server$s.cert = $t/server$s/keys/cert.pem"
    echo "channel.server$s.peerCert = $t/server$s/keys/peer.pem"
  done
}

# Both servers' shares of secure run RUN's kept checkpoint of STEP added up into a TrainLocal checkpoint of the
# emulation (org.twintrain.tools.SecureToLocal; seed 1, the emulation's). Usage: secure_to_local RUNDIR RUN STEP OUT
secure_to_local() {
  java -cp "$CP" org.twintrain.tools.SecureToLocal --store0 $1/server0/store --store1 $1/server1/store \
    --run $2 --step $3 --seed 1 --out $4
}

# Every kept checkpoint of secure run RUN revealed from both stores and scored on the dev split
# (jobs.reveal.CheckpointCurve), its table on standard output. Usage: checkpoint_curve RUNDIR RUN CONF
checkpoint_curve() {
  java -Xmx8g $(cat spark-jobs/target/classes/twintrain/jvm.flags) -cp "$CP" org.twintrain.jobs.reveal.CheckpointCurve \
    --store0 $1/server0/store --store1 $1/server1/store --run $2 --input 3x32x32 \
    --data $1/owner/prepared/data/split=dev --conf $3
}
