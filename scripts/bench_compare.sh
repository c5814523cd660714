#!/usr/bin/env bash
# Compare the benchmarks of another revision with the working tree, interleaved (old, new, old,
# new) so that a busy machine disturbs both alike. Usage: scripts/bench_compare.sh REV [ROUNDS]
# Output: bench_compare-<rev>.txt in the working tree (git-ignored under data/bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench_compare.sh REV [ROUNDS]}
rounds=${2:-2}
py="$PWD/.venv/bin/python"
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$old" "$rev" >/dev/null
mkdir -p data/bench
out="$PWD/data/bench/bench_compare-$(git rev-parse --short "$rev").txt"
export OPENBLAS_NUM_THREADS=1
{
  for round in $(seq "$rounds"); do
    for tree in "$old" "$PWD"; do
      label=$([ "$tree" = "$PWD" ] && echo new || echo "old ($rev)")
      echo "=== $label, round $round: bench_metrics.py"
      (cd "$tree" && "$py" scripts/bench_metrics.py --repeat 3)
      echo "=== $label, round $round: bench_outliers.py"
      (cd "$tree" && "$py" scripts/bench_outliers.py)
      echo "=== $label, round $round: bench_ingest.py"
      (cd "$tree" && "$py" scripts/bench_ingest.py --repeat 1)
    done
  done
  for tree in "$old" "$PWD"; do
    echo "=== $([ "$tree" = "$PWD" ] && echo new || echo "old ($rev)"): bench_anomaly.py"
    (cd "$tree" && "$py" scripts/bench_anomaly.py)
  done
} 2>&1 | tee "$out"
echo "written: $out"
