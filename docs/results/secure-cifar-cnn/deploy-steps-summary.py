#!/usr/bin/env python3
"""Summarizes deploy-steps.sh runs: per run, server 0's training time (its last progress line) and its time
from the checkpoint of step 12 to that of the last step, each process's CPU (GNU time: user + system) per
training step and peak RSS, the dealer's dealing; then the median per tag prefix (letters before the number),
and each run's seconds per step between consecutive checkpoints (whole seconds: the log's resolution).
Usage: deploy-steps-summary.py RUNDIR/deploy-TAG...  (e.g. /tmp/c17/deploy-{new,old}{1,2,3})"""
import re
import statistics
import sys
from datetime import datetime
from pathlib import Path


def gnu_time(path):
    text = Path(path).read_text()
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return user, system, rss / 1e6


def run(folder):
    d = Path(folder)
    log = (d / "server0.err").read_text() + (d / "server0.out").read_text()
    last = re.findall(r"step (\d+)/(\d+) \(epoch [\d.]+\), elapsed ([\d.]+) s, ETA [\d.]+ s, ([\d,]+) bytes sent, "
                      r"([\d,]+) rounds", log)
    steps, _, elapsed, sent, rounds = last[-1]
    steps = int(steps)
    covered = {int(s): datetime.strptime(t, "%H:%M:%S") for t, s in
               re.findall(r"^(\d\d:\d\d:\d\d) INFO ServerTraining: server 0: deleted \d+ bytes of triple windows "
                          r"the checkpoint of step (\d+) covers", log, re.M)}
    after12 = (covered[steps] - covered[12]).total_seconds() / (steps - 12)
    dealer = (d / "dealer.out").read_text() + (d / "dealer.err").read_text()
    dealing = float(re.search(r"\(([\d.]+) s dealing\)", dealer).group(1))
    row = {"run": d.name, "steps": steps, "s/step": float(elapsed) / steps, "s/step after 12": after12,
           "MB/step": int(sent.replace(",", "")) / steps / 1e6, "rounds/step": int(rounds.replace(",", "")) / steps,
           "dealing s/step": dealing / steps}
    marks = sorted(covered)
    row["between checkpoints"] = [round((covered[b] - covered[a]).total_seconds() / (b - a), 2)
                                  for a, b in zip(marks, marks[1:])]
    for p in ("server0", "server1", "dealer"):
        user, system, rss = gnu_time(d / f"{p}.time")
        row[f"{p} cpu/step"] = (user + system) / steps
        row[f"{p} sys/step"] = system / steps
        row[f"{p} GB"] = rss
    return row


rows = [run(f) for f in sys.argv[1:]]
keys = [k for k in rows[0] if k != "between checkpoints"]
print(" | ".join(keys))
for r in rows:
    print(" | ".join(r["run"] if k == "run" else f"{r[k]:.2f}" for k in keys))
groups = {}
for r in rows:
    groups.setdefault(re.sub(r"\d+$", "", r["run"]), []).append(r)
for g, rs in groups.items():
    print(" | ".join(f"median {g} ({len(rs)})" if k == "run" else f"{statistics.median(r[k] for r in rs):.2f}"
                     for k in keys))
for r in rows:
    print(r["run"], "s/step between checkpoints:", " ".join(f"{x:.2f}" for x in r["between checkpoints"]))
