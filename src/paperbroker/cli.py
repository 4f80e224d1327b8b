"""`paperbroker serve | stub | mock | codegen`: command-line entry points."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from paperbroker import fuzz
from paperbroker.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    """Flags become PAPERBROKER_* variables so every uvicorn worker builds the same Settings."""
    overrides = {"HOST": args.host, "PORT": args.port, "DB": args.db, "WORKERS": args.workers}
    if args.no_market:
        overrides["MARKET"] = "false"
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"PAPERBROKER_{name}"] = str(value)
    settings = Settings.from_env()
    if settings.workers > 1 and settings.db == ":memory:":
        raise SystemExit("paperbroker serve: --workers needs a shared store, a SQLite file or PostgreSQL")
    uvicorn.run(
        "paperbroker.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=args.log_level,
    )
    return 0


def _run_app(factory: str, args: argparse.Namespace) -> int:
    """Serve an app factory in one process, with host and port from the flags."""
    uvicorn.run(
        factory, factory=True, host=args.host or "127.0.0.1", port=args.port or 8000, log_level=args.log_level
    )
    return 0


def _stub(args: argparse.Namespace) -> int:
    return _run_app("paperbroker.app:create_stub_app", args)


def _mock(args: argparse.Namespace) -> int:
    """Example mode answers from the spec's examples; stateful mode is the engine over an in-memory store."""
    factory = "create_example_app" if args.examples else "create_stateful_app"
    return _run_app(f"paperbroker.mock:{factory}", args)


def _codegen(args: argparse.Namespace) -> int:
    from paperbroker.codegen import generate

    generate(Path(args.out) if args.out else None)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperbroker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the broker API over the paper-trading engine")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1, env PAPERBROKER_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, env PAPERBROKER_PORT)")
    serve.add_argument(
        "--db",
        help="SQLite file, :memory:, or a postgresql:// URL (default ./paperbroker.db, env PAPERBROKER_DB)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="worker processes sharing the store; one ticks the market (default 1, env PAPERBROKER_WORKERS)",
    )
    serve.add_argument(
        "--no-market", action="store_true", help="turn the simulated market off: only setQuote moves prices"
    )
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)

    stub = commands.add_parser("stub", help="serve the contract alone: every operation answers 501")
    stub.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    stub.add_argument("--port", type=int, help="port (default 8000)")
    stub.add_argument("--log-level", default="info")
    stub.set_defaults(run=_stub)

    mock = commands.add_parser(
        "mock", help="a local mock for frontends: the engine in memory, or the spec's examples (--examples)"
    )
    mock.add_argument(
        "--examples", action="store_true", help="answer every operation from the spec's examples: no engine"
    )
    mock.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    mock.add_argument("--port", type=int, help="port (default 8000)")
    mock.add_argument("--log-level", default="info")
    mock.set_defaults(run=_mock)

    codegen = commands.add_parser("codegen", help="generate the spec's TypeScript client (needs Node.js)")
    codegen.add_argument("--out", help="output folder (default tools/frontend/generated)")
    codegen.set_defaults(run=_codegen)

    fuzz_command = commands.add_parser(
        "fuzz", help="run Schemathesis against a live uvicorn process of the service (the CI contract gate)"
    )
    fuzz.add_arguments(fuzz_command)
    fuzz_command.set_defaults(run=fuzz.run_from_args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result
