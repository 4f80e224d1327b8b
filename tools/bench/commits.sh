#!/usr/bin/env bash
# One part of `make bench` (BENCH_PART, default requests) at each commit given, one after another here:
#   tools/bench/commits.sh COMMIT... (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP as for tools/bench/run.py)
# Each commit is checked out in a temporary worktree and measured with this checkout's virtualenv, the
# commit's own code first on the path (the seeding too), so each table is that commit's service.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
part=${BENCH_PART:-requests}
for commit in "$@"; do
  tree=$(mktemp -d)
  git -C "$root" worktree add --detach --quiet "$tree" "$commit"
  echo "== $(git -C "$root" log -1 --format='%h %s' "$commit" | cut -c1-100) (load $(cut -d' ' -f1 /proc/loadavg))"
  (cd "$tree" && PYTHONPATH="$tree/src:$tree" "$python" -m tools.bench.run --only "$part" | sed -n '/^| operation/,/^$/p')
  git -C "$root" worktree remove --force "$tree"
done
