#!/bin/bash
# Issue 17 experiment: the fixed-point emulation of the secure run (the command of secure-cifar-cnn.md, all
# 11 epochs from the run's initial weights on the stores' rows in the servers' order), once per rounding stream
# R; each stream's per-epoch dev accuracy goes to RUNDIR/emulation-fixed-rR.out. Run from the repository's root
# after setup.sh; one thread per stream (two streams at a time fill this machine's 2 cores).
# Usage: emulation-seeds.sh RUNDIR R...
set -euo pipefail
T=${1:?run folder}; shift
source "$(dirname "$0")/common.sh"
for R in "$@"; do
  emulate $T --backend fixed:16 --roundingSeed $R > $T/emulation-fixed-r$R.out
done
