"""Settings: one parser per setting, loud about bad values, helpful about typos, documented truthfully."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from paperbroker.settings import SettingError, Settings, described, unknown_variables

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_hold_without_variables() -> None:
    assert Settings.from_env({}) == Settings()


def test_each_variable_is_parsed_by_its_own_parser() -> None:
    settings = Settings.from_env(
        {
            "PAPERBROKER_PORT": "9000",
            "PAPERBROKER_MARKET": "off",
            "PAPERBROKER_MARKET_SYMBOLS": " NASDAQ:AAPL, EURUSD ,",
            "PAPERBROKER_MARKET_INTERVAL": "0.25",
            "PAPERBROKER_STARTING_CASH": "0",
            "PAPERBROKER_FASTPATH": "false",
            "PAPERBROKER_CORS_ORIGINS": "http://localhost:5173, https://app.example.com,",
        }
    )
    assert settings.port == 9000
    assert settings.market is False
    assert settings.market_symbols == ("NASDAQ:AAPL", "EURUSD")
    assert settings.market_interval == 0.25
    assert settings.starting_cash == 0.0
    assert settings.fastpath is False
    assert settings.cors_origins == ("http://localhost:5173", "https://app.example.com")
    assert Settings.from_env({"PAPERBROKER_CORS_ORIGINS": "none"}).cors_origins == ()


def test_explicit_values_win_over_variables() -> None:
    assert Settings.from_env({"PAPERBROKER_PORT": "9000"}, port=9100).port == 9100


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PAPERBROKER_PORT", "abc", "PAPERBROKER_PORT='abc' is not a port number (1-65535)"),
        ("PAPERBROKER_PORT", "0", "PAPERBROKER_PORT='0' is not a port number (1-65535)"),
        ("PAPERBROKER_PORT", "65536", "PAPERBROKER_PORT='65536' is not a port number (1-65535)"),
        ("PAPERBROKER_WORKERS", "0", "PAPERBROKER_WORKERS='0' is not a whole number of at least 1"),
        (
            "PAPERBROKER_MARKET_INTERVAL",
            "0",
            "PAPERBROKER_MARKET_INTERVAL='0' is not a number of seconds above 0",
        ),
        (
            "PAPERBROKER_MARKET_INTERVAL",
            "nan",
            "PAPERBROKER_MARKET_INTERVAL='nan' is not a number of seconds",
        ),
        ("PAPERBROKER_STARTING_CASH", "-1", "PAPERBROKER_STARTING_CASH='-1' is not a number of at least 0"),
        ("PAPERBROKER_COMMISSION_PER_UNIT", "inf", "PAPERBROKER_COMMISSION_PER_UNIT='inf' is not a number"),
        ("PAPERBROKER_MAX_BODY_BYTES", "0", "PAPERBROKER_MAX_BODY_BYTES='0' is not a whole number of bytes"),
        ("PAPERBROKER_MARKET", "maybe", "PAPERBROKER_MARKET='maybe' is not true or false"),
        ("PAPERBROKER_MARKET_SYMBOLS", "AAPL,EUR/USD", "PAPERBROKER_MARKET_SYMBOLS='AAPL,EUR/USD' is not a"),
        ("PAPERBROKER_DB", "  ", "PAPERBROKER_DB='  ' is not a non-empty text"),
        (
            "PAPERBROKER_CORS_ORIGINS",
            "http://app.example/",
            "PAPERBROKER_CORS_ORIGINS='http://app.example/' is not",
        ),
        (
            "PAPERBROKER_CORS_ORIGINS",
            "localhost:5173",
            "PAPERBROKER_CORS_ORIGINS='localhost:5173' is not none,",
        ),
        (
            "PAPERBROKER_CORS_ORIGINS",
            "http://a.example:0",
            "PAPERBROKER_CORS_ORIGINS='http://a.example:0' is",
        ),
    ],
)
def test_a_bad_value_names_the_variable_and_the_value(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as raised:
        Settings.from_env({variable: value})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_an_unknown_variable_is_reported_with_the_closest_known_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="paperbroker.settings"):
        settings = Settings.from_env({"PAPERBROKER_PROT": "9000", "PAPERBROKER_MARKET_INTERVALL": "2"})
    assert settings == Settings()
    assert caplog.messages == [
        "PAPERBROKER_MARKET_INTERVALL is not a paperbroker setting;"
        " did you mean PAPERBROKER_MARKET_INTERVAL?",
        "PAPERBROKER_PROT is not a paperbroker setting; did you mean PAPERBROKER_PORT?",
    ]


def test_variables_of_the_tools_and_other_programs_are_not_reported() -> None:
    environ = {"PAPERBROKER_TEST_POSTGRES": "skip", "PAPERBROKER_URL": "http://x", "HOME": "/root"}
    assert unknown_variables(environ) == []
    assert unknown_variables({"PAPERBROKER_ZZZZZZZZ": "1"}) == [
        "PAPERBROKER_ZZZZZZZZ is not a paperbroker setting"
    ]


def _readme_settings_rows() -> dict[str, list[str]]:
    rows = {}
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `PAPERBROKER_") and len(cells) == 4:
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_readme_table_lists_every_setting_with_its_flag_default_and_meaning() -> None:
    rows = _readme_settings_rows()
    expected = {}
    for item in described():
        flag = (
            f"`{item.flag}`, `--no-{item.flag[2:]}`"
            if item.default in {"true", "false"}
            else f"`{item.flag}`"
        )
        expected[item.variable] = [flag, f"`{item.default}`", item.help]
    assert rows == expected


def test_serve_help_shows_each_flags_variable_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    from paperbroker.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    text = re.sub(r"\s+", " ", capsys.readouterr().out)
    for item in described():
        assert item.flag in text
        assert f"env {item.variable}, default {item.default})" in text


def test_the_connection_deadlines_and_bound_are_read_from_their_variables() -> None:
    settings = Settings.from_env(
        {
            "PAPERBROKER_HEADER_TIMEOUT": "0.5",
            "PAPERBROKER_BODY_TIMEOUT": "2",
            "PAPERBROKER_KEEP_ALIVE_TIMEOUT": "1.5",
            "PAPERBROKER_MAX_CONNECTIONS": "64",
        }
    )
    limits = (settings.header_timeout, settings.body_timeout, settings.keep_alive_timeout)
    assert (*limits, settings.max_connections) == (0.5, 2.0, 1.5, 64)
    with pytest.raises(
        SettingError, match="PAPERBROKER_MAX_CONNECTIONS='0' is not a whole number of at least 1"
    ):
        Settings.from_env({"PAPERBROKER_MAX_CONNECTIONS": "0"})
