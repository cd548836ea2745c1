#!/usr/bin/env python3
"""Summary of epoch-check.sh: per start epoch K, the emulated transitions' dev accuracies (one per rounding
stream) against the secure run's own checkpoint of epoch K+1; then two tests over all K pooled (SciPy):
  bias:   the mean of (secure - emulation mean), t against the pooled within-K variance;
  spread: F = mean over K of (secure - emulation mean)^2 / (1 + 1/n), over the pooled within-K variance,
          which under "the secure transition is one more draw of the emulated one" follows F(#K, sum(n - 1)).
Usage: epoch-check-summary.py RUNDIR RUN [RUN ...]   (secure curves from RUNDIR/draws/draw-N-curve.tsv for RUN
secure-draw-N)"""
import glob, math, re, sys
from scipy import stats

t = sys.argv[1]
rows = []
for run in sys.argv[2:]:
    curve = {}
    with open(f"{t}/draws/draw-{run.rsplit('-', 1)[1]}-curve.tsv") as f:
        for line in f.read().split("\n")[1:]:
            if line:
                step, acc, _ = line.split("\t")
                curve[int(step)] = 100 * float(acc)
    starts = sorted({int(m.group(1)) for p in glob.glob(f"{t}/epoch-check/{run}/from*-r*.out")
                     for m in [re.search(r"from(\d+)-r", p)]})
    for start in starts:
        emulated = []
        for p in sorted(glob.glob(f"{t}/epoch-check/{run}/from{start}-r*.out")):
            last = [l for l in open(p) if l.startswith("epoch ")]
            if last and int(last[-1].split()[3]) == start + 156:
                emulated.append(100 * float(last[-1].split()[5]))
        if len(emulated) >= 2 and start + 156 in curve:
            rows.append((run, start, curve[start], curve[start + 156], emulated))

print("run\tfrom step\tsecure there\tsecure after one epoch\temulated after one epoch\tmean\tsd\tsecure - mean\trank")
within, df, devs, ns = 0.0, 0, [], []
for run, start, before, secure, em in rows:
    n = len(em)
    mean = sum(em) / n
    ss = sum((x - mean) ** 2 for x in em)
    within += ss
    df += n - 1
    devs.append(secure - mean)
    ns.append(n)
    rank = 1 + sum(x < secure for x in em)
    print(f"{run}\t{start}\t{before:.2f}\t{secure:.2f}\t{', '.join(f'{x:.2f}' for x in em)}\t{mean:.2f}\t"
          f"{math.sqrt(ss / (n - 1)):.2f}\t{secure - mean:+.2f}\t{rank} of {n + 1}")
if not rows:
    sys.exit("no complete start epochs yet")
s2 = within / df
k = len(rows)
bias = sum(devs) / k
bias_se = math.sqrt(s2 * sum(1 + 1 / n for n in ns) / k / k)
tb = bias / bias_se
f = sum(d * d / (1 + 1 / n) for d, n in zip(devs, ns)) / k / s2
print(f"\n{k} transitions; pooled sd of the emulated transitions {math.sqrt(s2):.2f} points ({df} df)")
print(f"bias: mean(secure - emulation mean) = {bias:+.2f} points, t = {tb:.2f}, two-sided p = "
      f"{2 * stats.t.sf(abs(tb), df):.3f}")
print(f"spread: secure's rms deviation {math.sqrt(sum(d * d for d in devs) / k):.2f} points; F = {f:.2f} on ({k}, {df}) df,"
      f" p (secure scatters more) = {stats.f.sf(f, k, df):.3f}")
