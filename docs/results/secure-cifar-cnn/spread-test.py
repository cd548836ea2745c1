#!/usr/bin/env python3
"""Do the secure draws' final accuracies come from the emulation streams' distribution? Location and spread
tests of two samples of final dev accuracies (per cent), the secure draws against the emulation's rounding
streams (SciPy):
  location: Welch's t and Mann-Whitney U, both two-sided;
  spread:   the variance ratio F (one-sided, "the secure draws scatter more"), Levene's test centred on the
            medians, and an exact permutation test over every relabelling of the pooled values of the mean
            absolute deviation from the pooled median (one-sided);
  range:    how many secure draws fall outside the emulation streams' range, and the exact probability of at
            least that many if all the values were draws of one distribution (every relabelling counted);
  within:   how many secure draws lie within 1 point of the emulation streams' mean.
Usage: spread-test.py SECURE EMULATION   (each a comma-separated list of final accuracies in per cent)"""
import itertools, statistics, sys
from scipy import stats

secure = [float(v) for v in sys.argv[1].split(",")]
emulation = [float(v) for v in sys.argv[2].split(",")]
if len(secure) < 2 or len(emulation) < 2:
    sys.exit("need at least two values in each sample")
pooled = secure + emulation
k = len(secure)


def describe(name, xs):
    print(f"{name}: n = {len(xs)}, mean {statistics.mean(xs):.2f}, sd {statistics.stdev(xs):.2f}, "
          f"range {min(xs):.2f}-{max(xs):.2f}")


describe("secure", secure)
describe("emulation", emulation)
diff = statistics.mean(secure) - statistics.mean(emulation)
welch = stats.ttest_ind(secure, emulation, equal_var=False)
mw = stats.mannwhitneyu(secure, emulation, alternative="two-sided")
print(f"location: secure minus emulation {diff:+.2f} points; Welch t {welch.statistic:.2f}, p {welch.pvalue:.3f}; "
      f"Mann-Whitney U {mw.statistic:.0f}, p {mw.pvalue:.3f}")

f = statistics.variance(secure) / statistics.variance(emulation)
f_p = stats.f.sf(f, k - 1, len(emulation) - 1)
levene = stats.levene(secure, emulation, center="median")
median = statistics.median(pooled)
deviation = [abs(v - median) for v in pooled]
observed = sum(deviation[:k]) / k
lo, hi = min(emulation), max(emulation)
outside = sum(1 for v in secure if v < lo or v > hi)
# One pass over every relabelling of the pooled values as k secure draws and the rest: both exact tests.
total = spread_at_least = range_at_least = 0
for chosen in itertools.combinations(range(len(pooled)), k):
    total += 1
    if sum(deviation[i] for i in chosen) / k >= observed - 1e-12:
        spread_at_least += 1
    chosen_set = set(chosen)
    rest = [pooled[i] for i in range(len(pooled)) if i not in chosen_set]
    if sum(1 for i in chosen if pooled[i] < min(rest) or pooled[i] > max(rest)) >= outside:
        range_at_least += 1
print(f"spread: F {f:.2f} on ({k - 1}, {len(emulation) - 1}) df, p {f_p:.4f}; Levene (median) p {levene.pvalue:.3f}; "
      f"permutation (mean |x - pooled median|, {total:,} relabellings) p {spread_at_least / total:.4f}")
print(f"range: {outside} of {k} secure draws outside the emulation's {lo:.2f}-{hi:.2f}; "
      f"P(at least {outside}) under one distribution {range_at_least}/{total} = {range_at_least / total:.4f}")

mean = statistics.mean(emulation)
within = sum(1 for v in secure if abs(v - mean) <= 1)
print(f"within 1 point of the emulation's mean {mean:.2f}: {within} of {k} secure draws")
