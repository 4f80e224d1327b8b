"""`paperbroker fuzz` for N consecutive seeds, one run at a time, one line per run: is the gate stable?

Bounded: at most 50 seeds, and a run still going after --timeout seconds is stopped with everything it
started (the server, Schemathesis). Each run's output goes to <report-dir>/seed-<N>.log beside its report
folder; the exit status is 1 if any run failed.

    python -m tools.fuzz_seeds --first 1 --count 10 -- --max-examples 150
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

MAX_SEEDS = 50
TIMED_OUT = -1


def fuzz_once(seed: int, report_dir: Path, extra: list[str], timeout: float) -> tuple[int, str]:
    """Exit status (TIMED_OUT when stopped) and the run's `paperbroker fuzz:` summary line."""
    command = [sys.executable, "-m", "paperbroker", "fuzz", "--seed", str(seed)]
    command += ["--report-dir", str(report_dir), "--", *extra]
    log = report_dir / f"seed-{seed}.log"
    with log.open("w") as out:
        out.write(f"$ {shlex.join(command)}\n")
        out.flush()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the server and Schemathesis go too
            process.wait()
            status = TIMED_OUT
    lines = log.read_text(errors="replace").splitlines()
    summary = next((line for line in reversed(lines) if line.startswith("paperbroker fuzz:")), "no summary")
    return status, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz_seeds", description=__doc__)
    parser.add_argument("--first", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--count", type=int, default=10, help=f"how many seeds, at most {MAX_SEEDS}")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one run may take")
    parser.add_argument("--report-dir", type=Path, default=Path("build") / "fuzz-seeds")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="after --: options for `schemathesis run`")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= MAX_SEEDS:
        parser.error(f"--count must be 1 to {MAX_SEEDS}")
    args.report_dir.mkdir(parents=True, exist_ok=True)
    extra = [a for a in args.extra if a != "--"]
    failed = 0
    for seed in range(args.first, args.first + args.count):
        started = time.monotonic()
        status, summary = fuzz_once(seed, args.report_dir, extra, args.timeout)
        verdict = {0: "passed", TIMED_OUT: "TIMED OUT"}.get(status, f"FAILED (exit {status})")
        print(f"seed {seed}: {verdict} in {time.monotonic() - started:.0f} s; {summary}", flush=True)
        failed += status != 0
    print(f"{args.count - failed} of {args.count} seeds passed; logs in {args.report_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
