"""The postgres part (tools/bench/postgres.py) at several commits in one run, their rounds interleaved:

    python -m tools.bench.interleave COMMIT...   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP as for run.py)

tools/bench/commits.sh measures one commit after another; on a machine whose speed drifts by more than a
change is worth over minutes, that compares the drift. Here every commit's servers (each checked out in a
temporary worktree and served from its own `src`, with this checkout's virtualenv) run side by side, and
each round loads every server once, in an order reversed every other round, so drift reaches them all
alike. Prints one row per commit: req/s (medians over rounds) and the two ratios the part is about.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from tempfile import mkdtemp

from tools.bench import postgres

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worktree(commit: str) -> Iterator[Path]:
    tree = Path(mkdtemp()) / f"c_{commit[:12].lower()}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), commit],
                   check=True)  # fmt: skip
    try:
        yield tree
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def main(commits: list[str]) -> None:
    dsn = postgres.postgres_dsn("interleave")
    wrk = shutil.which("wrk")
    if dsn is None or wrk is None:
        raise SystemExit("interleave needs wrk and a PostgreSQL server")
    out = ROOT / "build" / "bench" / "interleave"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    samples: dict[tuple[str, postgres.Case], list[float]] = {}
    with ExitStack() as stack:
        servers = []
        for commit in commits:
            tree = stack.enter_context(worktree(commit))
            for case in postgres.CASES:
                served = stack.enter_context(postgres.serve(case, dsn, out, stack, code=tree))
                servers.append((commit, served))
                samples[commit, case] = []
        for _, served in servers:
            postgres.load(wrk, served, postgres.WARMUP)
        for round_ in range(postgres.ROUNDS):
            for commit, served in servers if round_ % 2 == 0 else reversed(servers):
                rps = postgres.load(wrk, served, postgres.SECONDS)["rps"]
                samples[commit, served.case].append(rps)
                print(f"round {round_ + 1}/{postgres.ROUNDS} {commit[:9]} {served.case.operation:19} "
                      f"{served.case.app:24} {rps:7.0f} req/s", flush=True)  # fmt: skip
    sqlite, pg, pg2, spread1, spread2 = postgres.CASES
    print(f"\n{postgres.ROUNDS} rounds of {postgres.SECONDS:g} s, medians (req/s)\n")
    print("| commit | SQLite | PostgreSQL | ratio | 2 workers | 8 accounts, 1 worker | 2 workers | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for commit in commits:
        m = {case: statistics.median(samples[commit, case]) for case in postgres.CASES}
        print(f"| {commit[:9]} | {m[sqlite]:,.0f} | {m[pg]:,.0f} | {m[pg] / m[sqlite]:.2f} | {m[pg2]:,.0f} "
              f"| {m[spread1]:,.0f} | {m[spread2]:,.0f} | {m[spread2] / m[spread1]:.2f} |")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
