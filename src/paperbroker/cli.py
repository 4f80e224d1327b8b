"""`paperbroker serve | stub | mock | fuzz | codegen`: command-line entry points."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

import uvicorn

from paperbroker import __version__, connections, fuzz
from paperbroker.accounts.cli import add_commands as add_account_commands
from paperbroker.engine.numbers import plain
from paperbroker.settings import SettingError, Settings, described, parse
from paperbroker.store.base import IncompatibleDatabase

LISTEN = ("host", "port")


def _add_setting_flags(parser: argparse.ArgumentParser, names: Collection[str] | None = None) -> None:
    """One flag per setting, its help naming the variable and the default it overrides."""
    for item in described():
        if names is not None and item.name not in names:
            continue
        help_text = f"{item.help} (env {item.variable}, default {item.default})".replace("%", "%%")
        if item.default in {"true", "false"}:
            action = argparse.BooleanOptionalAction
            parser.add_argument(item.flag, dest=item.name, action=action, help=help_text)
        else:
            parser.add_argument(item.flag, dest=item.name, metavar=item.name.upper(), help=help_text)


def _settings_from(args: argparse.Namespace) -> Settings:
    """Flags become PAPERBROKER_* variables, so every uvicorn worker builds the same Settings; flags win."""
    for item in described():
        value = getattr(args, item.name, None)
        if value is None:
            continue
        raw = item.kind.format(value) if isinstance(value, bool) else str(value)
        parse(item.name, raw, item.flag)
        os.environ[item.variable] = raw
    return Settings.from_env()


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def refuse_open_remote(settings: Settings) -> None:
    """Without auth anyone who reaches the port trades every account: only this host may, unless forced."""
    if not settings.auth and settings.host not in LOOPBACK and not settings.allow_open_remote:
        raise SettingError(
            f"--no-auth on {settings.host} would let anyone who reaches it trade: listen on 127.0.0.1,"
            " keep auth on, or add --allow-open-remote"
        )


def _prepare_store(settings: Settings) -> None:
    """Open the store once before the workers start: a database this version cannot read stops here with
    one line, and a first start creates the local user and its key exactly once, whatever the workers."""
    from paperbroker.app import build_accounts, build_broker

    broker = build_broker(settings)
    try:
        build_accounts(settings, broker).directory.close()
    finally:
        broker.store.close()


def _serve(args: argparse.Namespace) -> int:
    settings = _settings_from(args)
    if settings.workers > 1 and settings.db == ":memory:":
        raise SettingError("--workers needs a shared store, a SQLite file or PostgreSQL, not :memory:")
    refuse_open_remote(settings)
    if settings.db != ":memory:":
        _prepare_store(settings)
    connections.raise_descriptor_limit(settings.max_connections)
    uvicorn.run(
        "paperbroker.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=args.log_level,
        http=connections.GuardedHttpToolsProtocol,
    )
    return 0


def _reset(args: argparse.Namespace) -> int:
    """The account back to its starting state, in the store the settings name (the service may be running)."""
    from paperbroker.app import build_broker

    settings = _settings_from(args)
    broker = build_broker(settings)
    try:
        summary = broker.reset()
    finally:
        broker.store.close()
    balance = plain(summary.balance)
    print(f"paperbroker reset: {settings.db} holds no orders, executions or positions; balance {balance}")
    return 0


def _run_app(factory: str, args: argparse.Namespace) -> int:
    """Serve an app factory in one process, where the host and port settings say."""
    settings = _settings_from(args)
    connections.raise_descriptor_limit(settings.max_connections)
    uvicorn.run(
        factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        http=connections.GuardedHttpToolsProtocol,
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
    parser.add_argument("--version", action="version", version=f"paperbroker {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the broker API over the paper-trading engine",
        description="Serve the broker API. Every flag overrides its PAPERBROKER_* variable.",
    )
    _add_setting_flags(serve)
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)

    stub = commands.add_parser("stub", help="serve the contract alone: every operation answers 501")
    _add_setting_flags(stub, (*LISTEN, *connections.SETTING_NAMES))
    stub.add_argument("--log-level", default="info")
    stub.set_defaults(run=_stub)

    mock = commands.add_parser(
        "mock", help="a local mock for frontends: the engine in memory, or the spec's examples (--examples)"
    )
    mock.add_argument(
        "--examples", action="store_true", help="answer every operation from the spec's examples: no engine"
    )
    _add_setting_flags(mock, (*LISTEN, *connections.SETTING_NAMES, "cors_origins"))
    mock.add_argument("--log-level", default="info")
    mock.set_defaults(run=_mock)

    reset = commands.add_parser(
        "reset", help="delete every order, execution and position; the account starts again with its cash"
    )
    _add_setting_flags(reset, ("db", "starting_cash", "currency", "account_name"))
    reset.set_defaults(run=_reset)

    add_account_commands(commands, _settings_from, _add_setting_flags)

    codegen = commands.add_parser("codegen", help="generate the spec's TypeScript client (needs Node.js)")
    codegen.add_argument(
        "--out", help="output folder (default tools/frontend/generated in a checkout, else ./generated)"
    )
    codegen.set_defaults(run=_codegen)

    fuzz_command = commands.add_parser(
        "fuzz", help="run Schemathesis against a live uvicorn process of the service (the CI contract gate)"
    )
    fuzz.add_arguments(fuzz_command)
    fuzz_command.set_defaults(run=fuzz.run_from_args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 2 with one line for a bad setting, as argparse does for a bad flag."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except (SettingError, IncompatibleDatabase) as error:
        print(f"paperbroker {args.command}: {error}", file=sys.stderr)
        return 2
    return result
