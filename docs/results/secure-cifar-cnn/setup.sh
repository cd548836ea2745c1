#!/bin/bash
# Issue 17: the data owner's and the operators' set-up of the secure CIFAR-10 run, from the repository's root:
# prep of ../shared/data/cifar10, share of each split into the two servers' stores (train in 4 partitions, dev
# in 1), each server's key pair (the certificates pinned crosswise, as two operators would after comparing
# fingerprints), and the run's public plan as run.properties.
# Usage: setup.sh RUNDIR   (RUNDIR: /tmp/c17)
set -euo pipefail
T=${1:?run folder}
export TWINTRAIN_LOCAL=1
submit/twintrain prep --dataset cifar10 --input ../shared/data/cifar10 --output $T/owner/prepared
for split in train dev; do
  submit/twintrain share --data $T/owner/prepared --store0 $T/server0/store --store1 $T/server1/store \
    --split $split --partitions $([ $split = train ] && echo 4 || echo 1)
done
for s in 0 1; do
  mkdir -p $T/server$s/keys
  submit/twintrain keys generate --name server$s --key $T/server$s/keys/key.pem --cert $T/server$s/keys/cert.pem
done
cp $T/server1/keys/cert.pem $T/server0/keys/peer.pem
cp $T/server0/keys/cert.pem $T/server1/keys/peer.pem
cat > $T/run.properties <<PLAN
model.name = cnn
model.depth = 3
model.width = 1
model.inputShape = 3x32x32
approx.exp = pwl:4
train.epochs = 11
train.batchSize = 128
train.learningRate = 0.05@1560/780*0.1
train.checkpointEvery = 12
train.checkpointKeepEvery = 156
PLAN
