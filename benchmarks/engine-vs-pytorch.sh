#!/usr/bin/env bash
# TwinTrain's engine against PyTorch on the same training steps, alternating the two so that both see the same
# machine load; prints each run's median step and, at the end, the medians over the rounds and their ratios.
# Never part of the tests. Needs a build (mvn -B -q -DskipTests package) and Debian's python3-torch.
#
#   benchmarks/engine-vs-pytorch.sh [ROUNDS] [THREADS]     (defaults 5 and 2)
#
# Pairs: ResNet-20 (CIFAR form), batch 128: TwinTrain float and double vs PyTorch float32;
#        SecureML 784-128-128-10, batch 128: TwinTrain double (the "double step") and float vs PyTorch float64.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
threads="${2:-2}"
py=/usr/bin/python3
jobs="$root/spark-jobs"
[[ -f "$jobs/target/classpath.txt" ]] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
cp="$root/sharing/target/classes:$root/approx/target/classes:$root/data-prep/target/classes:$jobs/target/classes:$(cat "$jobs/target/classpath.txt")"
flags="$(cat "$jobs/target/classes/twintrain/jvm.flags")"
"$py" -c 'import torch' 2>/dev/null || { echo "needs python3-torch (apt-get install python3-torch)" >&2; exit 1; }

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
run() { # label command...
  local line
  line="$("${@:2}" 2>/dev/null | grep '^RESULT')"
  echo "$1 $line" | tee -a "$out"
}
twintrain() { java -Xmx3g $flags -cp "$cp" org.twintrain.tools.StepBench "$@"; }
pytorch() { OMP_NUM_THREADS="$1" "$py" "$root/benchmarks/pytorch/engine_vs_pytorch.py" "${@:2}" "$1"; }

echo "start $(date -u +%FT%TZ); $(uptime)"
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds; $(uptime)"
  run resnet-float   twintrain resnet20 float 128 8 "$threads"
  run resnet-torch32 pytorch "$threads" resnet20 float32 128 8
  run resnet-double  twintrain resnet20 double 128 8 "$threads"
  run mlp-double     twintrain secureml double 128 300 "$threads"
  run mlp-torch64    pytorch "$threads" secureml float64 128 300
  run mlp-float      twintrain secureml float 128 300 "$threads"
done
echo "end $(date -u +%FT%TZ); $(uptime)"

# Medians over the rounds of each label's median step, and the ratios of the pairs.
awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "median_ms") ms[$1] = ms[$1] " " kv[2] } }
  END {
    n = split("resnet-float resnet-double resnet-torch32 mlp-double mlp-float mlp-torch64", labels, " ")
    for (i = 1; i <= n; i++) { l = labels[i]; med[l] = median(ms[l]) }
    printf "\nmedians over the rounds (median step of each run):\n"
    printf "  ResNet-20 batch 128: TwinTrain float %.1f ms (%.1f images/s), double %.1f ms (%.1f images/s); PyTorch float32 %.1f ms (%.1f images/s)\n", \
      med["resnet-float"], 128000 / med["resnet-float"], med["resnet-double"], 128000 / med["resnet-double"], med["resnet-torch32"], 128000 / med["resnet-torch32"]
    printf "  SecureML batch 128:  TwinTrain double %.3f ms, float %.3f ms; PyTorch float64 %.3f ms\n", med["mlp-double"], med["mlp-float"], med["mlp-torch64"]
    printf "ratios (same rounds):\n"
    printf "  ResNet-20 images/s, TwinTrain float / PyTorch float32:   %.2fx (target >= 0.5x)\n", med["resnet-torch32"] / med["resnet-float"]
    printf "  ResNet-20 images/s, TwinTrain double / PyTorch float32:  %.2fx\n", med["resnet-torch32"] / med["resnet-double"]
    printf "  SecureML step, TwinTrain double / PyTorch float64 time:  %.2fx (target <= 2x)\n", med["mlp-double"] / med["mlp-torch64"]
  }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }' "$out"
