"""Where the cores go while the postgres part's placeOrder8accounts runs: CPU per order of the service's
processes, of the PostgreSQL server's and of wrk, and how much of the machine stayed idle.

    python -m tools.bench.pgcpu [--workers 1 2] [--seconds 5]

For each worker count, a `paperbroker serve` on a fresh schema with eight accounts (as in
tools/bench/postgres.py), a warm-up, then one wrk run (tools/bench/wrk.py, which stops at any non-2xx
answer). CPU is read from /proc: user + system time of every process whose command line names paperbroker
or a multiprocessing worker, and of every process named postgres (the server's background writers too);
wrk's from the rusage of reaped children. When two workers leave little idle time, what they serve is
bounded by the cores: `cores / CPU per order`, printed as the ceiling. Linux only; needs wrk and a
PostgreSQL server, as the postgres part does.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from contextlib import ExitStack
from pathlib import Path

from tools.bench import postgres

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # it ended meanwhile
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _processes() -> dict[int, str]:
    """pid -> "service" or "postgres", for the processes to account."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            name = (entry / "comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if "paperbroker" in command or "multiprocessing" in command:
            found[int(entry.name)] = "service"
        elif name.startswith("postgres"):
            found[int(entry.name)] = "postgres"
    return found


def _machine() -> tuple[int, int]:
    """(all jiffies, idle and iowait jiffies) over every core, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values), values[3] + values[4]


def measure(workers: int, seconds: int, dsn: str, wrk: str, out: Path) -> dict[str, float]:
    case = postgres.Case("pgcpu", f"cpu{workers}", True, workers, postgres.ACCOUNTS)
    with ExitStack() as stack:
        served = stack.enter_context(postgres.serve(case, dsn, out, stack))
        postgres.load(wrk, served, 1)
        processes = _processes()
        before = {pid: _cpu_seconds(pid) for pid in processes}
        total_before, idle_before = _machine()
        wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk is the only child reaped meanwhile
        started = time.monotonic()
        rps = postgres.load(wrk, served, seconds)["rps"]
        elapsed = time.monotonic() - started
        wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        total_after, idle_after = _machine()
        spent = {"service": 0.0, "postgres": 0.0}
        for pid, kind in processes.items():
            spent[kind] += _cpu_seconds(pid) - before[pid]
    spent["wrk"] = (wrk_after.ru_utime - wrk_before.ru_utime) + (wrk_after.ru_stime - wrk_before.ru_stime)
    orders = rps * elapsed  # the orders of the window the CPU was read over
    per_order = {kind: cpu / orders * 1e6 for kind, cpu in spent.items()}
    idle = (idle_after - idle_before) / (total_after - total_before)
    cores = os.cpu_count() or 1
    return {
        "workers": workers,
        "rps": rps,
        **{f"{kind}_us": value for kind, value in per_order.items()},
        "idle": idle,
        "ceiling_rps": cores / (sum(per_order.values()) / 1e6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    dsn = postgres.postgres_dsn("pgcpu")
    wrk = shutil.which("wrk")
    if dsn is None or wrk is None:
        raise SystemExit("pgcpu needs wrk and a PostgreSQL server")
    out = Path("build/bench/pgcpu")
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'workers':>7} {'req/s':>7} {'service':>9} {'postgres':>9} {'wrk':>6} {'idle':>5} {'ceiling':>8}")
    for workers in args.workers:
        r = measure(workers, args.seconds, dsn, wrk, out)
        print(f"{r['workers']:7.0f} {r['rps']:7.0f} {r['service_us']:7.0f}µs {r['postgres_us']:7.0f}µs "
              f"{r['wrk_us']:4.0f}µs {r['idle']:5.0%} {r['ceiling_rps']:8.0f}", flush=True)  # fmt: skip
    print(f"CPU per order in µs; ceiling: {os.cpu_count()} cores / all CPU per order")


if __name__ == "__main__":
    main()
