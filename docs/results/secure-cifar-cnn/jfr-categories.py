#!/usr/bin/env python3
"""Issue-17 analysis of a JDK Flight Recorder file of a deployment process (deploy-steps.sh with JFR=1): each
execution sample counted once, under the first category whose marker one of its frames contains (the order
below), and the collector's pauses added up. Reads the file with Temurin 25's jfr (JDK 17's prints no JSON).
Usage: jfr-categories.py FILE.jfr"""
import json, subprocess, sys, collections
f = sys.argv[1]
out = subprocess.run(["/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample,jdk.GCPhasePause", f], capture_output=True, text=True).stdout
ev = json.loads(out)["recording"]["events"]
cats = [("materialize (data shares)", "ServerTraining.materialize"), ("take stored triple", "StoredTripleSource.take"),
        ("expand party-0 seed", "Dealer.expandParty0"), ("window open/verify", "TripleWindows"),
        ("TLS channel", "TlsChannel"), ("matmul/conv", "RingMatMul"), ("dealer party1Half", "Dealer.party1Half"),
        ("dealer value", "Dealer.value"), ("telemetry", "RangeCheck"), ("comparison/DCF", "Dcf"), ("bits (BitAnd/BitSlice)", "Bit"),
        ("truncation", "Truncation"), ("beaver", "BeaverMul"), ("training other", "EngineProgram"), ("checkpoint", "Checkpoint"),
        ("spark/other", "")]
c = collections.Counter(); pauses = 0; paused = 0.0; n = 0; threads = collections.Counter()
for e in ev:
    if e["type"] == "jdk.GCPhasePause":
        pauses += 1
        paused += float(e["values"]["duration"].replace("PT", "").rstrip("Ss"))
        continue
    n += 1
    fr = e["values"]["stackTrace"]["frames"]
    names = [x["method"]["type"]["name"].replace("/", ".") + "." + x["method"]["name"] for x in fr]
    threads[e["values"]["sampledThread"]["javaName"]] += 1
    for label, needle in cats:
        if any(needle in s for s in names):
            c[label] += 1; break
print(f, n, "samples;", pauses, "collector pauses,", round(paused, 1), "s")
for k, v in c.most_common():
    print(f"  {100*v/n:5.1f} %  {k}")
print("  threads:", threads.most_common(6))
