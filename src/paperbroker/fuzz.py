"""`paperbroker fuzz`: Schemathesis against a real uvicorn process of the service.

Starts `paperbroker serve` (or, with --drift, the test-only drifted factory) on a free loopback port with a
fresh SQLite file and the simulated market on, runs the Schemathesis CLI with the schemathesis.toml shipped
in the package, prints how many test cases each phase generated, stops the server and exits with
Schemathesis's status. Each run writes its reports to a folder of its own, so runs in one checkout never
interleave their files.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from paperbroker.accounts.keys import new_key
from paperbroker.drift import DRIFTS, FACTORY, KIND_VARIABLE
from paperbroker.process import serving

DEFAULT_SEED = 20261125
DEFAULT_REPORTS = Path("build") / "fuzz"
PHASES = ("examples", "coverage", "fuzzing", "stateful")
LOG_LEVEL = ["--log-level", "warning"]


def cases_per_phase(events: Path) -> Counter[str]:
    """Test cases generated per phase, read from Schemathesis's NDJSON event stream."""
    counts: Counter[str] = Counter()
    if not events.exists():
        return counts
    for line in events.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if event:
            counts[event["phase"]] += len(event.get("recorder", {}).get("cases", {}))
    return counts


def parallel_parsing_is_safe(implementation: str, version: Sequence[int]) -> bool:
    """False where CPython's AST builder keeps its recursion depth in state all threads share.

    There, `ast.parse` in two threads at once can raise `SystemError: AST constructor recursion depth
    mismatch` (CPython gh-106905, fixed in 3.11.8 and 3.12.2). Schemathesis workers are threads, and the
    traceback module parses source lines to place its carets, so a worker formatting an error while
    another parses stops the whole run with an error of Schemathesis's own, though every case passed.
    """
    found = tuple(version[:3])
    return implementation != "CPython" or found >= (3, 12, 2) or (3, 11, 8) <= found < (3, 12)


def workers_asked(extra: Sequence[str]) -> str | None:
    """The last `-w`/`--workers` value among the options passed to `schemathesis run`, as click reads it."""
    asked = None
    for index, arg in enumerate(extra):
        if arg in ("-w", "--workers") and index + 1 < len(extra):
            asked = extra[index + 1]
        elif arg.startswith("--workers="):
            asked = arg.partition("=")[2]
        elif arg.startswith("-w") and len(arg) > 2:
            asked = arg[2:]
    return asked


def refuse_parallel_workers(
    extra: Sequence[str],
    implementation: str = platform.python_implementation(),
    version: Sequence[int] = sys.version_info[:3],
) -> str | None:
    """Why these options cannot run here, or None: the shipped config runs one worker for the same reason."""
    asked = workers_asked(extra)
    if asked in (None, "1") or parallel_parsing_is_safe(implementation, version):
        return None
    running = ".".join(map(str, version[:3]))
    return (
        f"--workers {asked} is refused on {implementation} {running}: Schemathesis's worker threads parse "
        "Python source at once, which this interpreter gets wrong (CPython gh-106905: SystemError 'AST "
        "constructor recursion depth mismatch', fixed in 3.11.8 and 3.12.2). Run one worker, or upgrade."
    )


def new_report_folder(parent: Path) -> Path:
    """A folder of this run's own under `parent` (created here, named by time and process)."""
    parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix=f"{stamp}-{os.getpid()}-", dir=parent))


def server_command(drift: str | None) -> list[str]:
    """`paperbroker serve`, or uvicorn serving the drifted factory; both read PAPERBROKER_DB."""
    if drift is None:
        return [sys.executable, "-m", "paperbroker", "serve", *LOG_LEVEL]
    return [sys.executable, "-m", "uvicorn", "--factory", FACTORY, *LOG_LEVEL]


def run(seed: int, report_parent: Path, drift: str | None, extra: list[str]) -> int:
    refusal = refuse_parallel_workers(extra)
    if refusal:
        print(f"paperbroker fuzz: {refusal}", file=sys.stderr)
        return 2
    if importlib.util.find_spec("schemathesis") is None:
        print("paperbroker fuzz: Schemathesis is missing: pip install 'paperbroker[fuzz]'", file=sys.stderr)
        return 2
    reports = new_report_folder(report_parent)
    events = reports / "events.ndjson"
    shipped = resources.files(__package__) / "schemathesis.toml"
    with (
        tempfile.TemporaryDirectory(prefix="paperbroker-fuzz-") as tmp,
        resources.as_file(shipped) as config,
    ):
        key = new_key()  # the local admin's key: every operation is reachable, setQuote included
        env = {
            "PAPERBROKER_LOCAL_KEY": key,
            "PAPERBROKER_DB": str(Path(tmp) / "fuzz.db"),
            "PAPERBROKER_MARKET_INTERVAL": "0.2",
            "PAPERBROKER_RATE_LIMIT": "1000000",  # Schemathesis sends thousands of requests a minute
            KIND_VARIABLE: drift or "",
        }
        with serving(server_command(drift), env=env) as base:
            started = time.monotonic()
            command = [
                sys.executable, "-m", "schemathesis.cli", "--config-file", str(config),
                "run", f"{base}/api/v1/openapi.json", "--seed", str(seed), "--no-color",
                "--header", f"Authorization: Bearer {key}",
                "--report-junit-path", str(reports / "junit.xml"), "--report-ndjson-path", str(events),
                *extra,
            ]  # fmt: skip
            status = subprocess.run(command, check=False).returncode
            elapsed = time.monotonic() - started
    counts = cases_per_phase(events)
    per_phase = ", ".join(f"{phase} {counts.get(phase, 0)}" for phase in PHASES)
    print(
        f"paperbroker fuzz: {sum(counts.values())} test cases ({per_phase}) in {elapsed:.1f} s, seed {seed}"
    )
    print(f"reports: {reports}")
    print(f"reproduce: paperbroker fuzz --seed {seed}; replay one case: schemathesis replay <id>")
    return status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    seed = int(os.environ.get("PAPERBROKER_FUZZ_SEED", DEFAULT_SEED))
    parser.add_argument("--seed", type=int, default=seed, help=f"Schemathesis seed (default {seed})")
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=DEFAULT_REPORTS,
        help=f"each run's JUnit and NDJSON reports go to a new folder in it (default {DEFAULT_REPORTS})",
    )
    parser.add_argument(
        "--drift", choices=sorted(DRIFTS), help="test-only: serve a copy that breaks the contract on the wire"
    )
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="after --: more `schemathesis run` options")


def run_from_args(args: argparse.Namespace) -> int:
    return run(args.seed, args.report_dir, args.drift, [a for a in args.extra if a != "--"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paperbroker fuzz", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
