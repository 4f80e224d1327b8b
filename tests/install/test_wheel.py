"""paperbroker installs like a tool: the wheel, in a fresh virtual environment outside the checkout, runs
every command with nothing from the source tree."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import venv
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from paperbroker.process import free_port, wait_until_up
from tests.keys import AUTH, LOCAL_KEY_ENV

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "broker.yaml"
PAGE = ROOT / "src" / "paperbroker" / "web" / "dist" / "index.html"


class Installed:
    def __init__(self, home: Path, wheel: Path) -> None:
        self.home = home
        self.wheel = wheel
        self.bin = home / "venv" / "bin"
        self.work = home / "work"  # the current directory of every command: no checkout in sight
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PAPERBROKER_", "PYTHON", "VIRTUAL_ENV"))
        }
        self.env["XDG_CACHE_HOME"] = str(home / "cache")

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "paperbroker"), *args],
            cwd=self.work, env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    @contextmanager
    def serving(
        self, command: str, args: Sequence[str] = (), env: Mapping[str, str] | None = None
    ) -> Iterator[str]:
        """`env`: variables added to the command's environment (the local key)."""
        port = free_port()
        process = subprocess.Popen(
            [str(self.bin / "paperbroker"), command, "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=self.work, env={**self.env, **(env or {})},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/v1/openapi.json", process, 60)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp("wheel")
    assert ROOT not in home.parents
    if not PAGE.is_file() and shutil.which("npm") is not None:
        subprocess.run(["make", "-C", str(ROOT), "page"], check=True, timeout=600)  # the wheel ships it
    dist = home / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(dist), str(ROOT)], check=True, timeout=600)
    (wheel,) = dist.glob("paperbroker-*.whl")
    venv.create(home / "venv", with_pip=True)
    python = str(home / "venv" / "bin" / "python")
    install = [python, "-m", "pip", "--disable-pip-version-check", "--quiet", "install"]
    subprocess.run([*install, f"{wheel}[fuzz]"], check=True, timeout=900)
    (home / "work").mkdir()
    return Installed(home, wheel)


def test_the_wheel_ships_the_contract_byte_for_byte(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        assert wheel.read("paperbroker/contract/broker.yaml") == SPEC.read_bytes()


def test_the_installed_package_is_the_one_outside_the_checkout(installed: Installed) -> None:
    python = installed.bin / "python"
    code = "import paperbroker.contract as c; print(c.__file__); print(c.spec_path())"
    result = subprocess.run(
        [str(python), "-c", code],
        cwd=installed.work,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    )
    module, spec = result.stdout.split()
    assert Path(module).is_relative_to(installed.home / "venv")
    assert Path(spec).read_bytes() == SPEC.read_bytes()
    assert not Path(spec).is_symlink()


def test_version_from_the_command_and_from_python_m(installed: Installed) -> None:
    from paperbroker import __version__

    assert installed.run("--version").stdout.strip() == f"paperbroker {__version__}"
    module = subprocess.run(
        [str(installed.bin / "python"), "-m", "paperbroker", "--version"],
        cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert module.stdout.strip() == f"paperbroker {__version__}"


def test_serve_answers_from_the_installed_wheel(installed: Installed) -> None:
    args = ["--db", str(installed.home / "broker.db"), "--no-market"]
    with installed.serving("serve", args, env=LOCAL_KEY_ENV) as base:
        orders = urllib.request.Request(f"{base}/api/v1/broker/orders", headers=AUTH)
        with urllib.request.urlopen(orders) as response:
            assert response.status == 200
            assert json.loads(response.read()) == []
        with urllib.request.urlopen(f"{base}/api/v1/ui/") as response:
            assert response.status == 200


def test_the_installed_wheel_serves_the_web_terminal_at_the_root(installed: Installed) -> None:
    if not PAGE.is_file():
        pytest.skip("the page is built by `make page`, which needs Node.js and npm")
    with zipfile.ZipFile(installed.wheel) as wheel:
        assert wheel.read("paperbroker/web/dist/index.html") == PAGE.read_bytes()
    with installed.serving("serve", ["--db", str(installed.home / "page.db"), "--no-market"]) as base:
        with urllib.request.urlopen(f"{base}/") as response:
            assert response.status == 200
            page = response.read().decode()
        assert "<title>paperbroker · web terminal</title>" in page
        script = re.search(r'src="\./(assets/[^"]+\.js)"', page)
        assert script is not None, page
        with urllib.request.urlopen(f"{base}/{script[1]}") as response:
            assert response.status == 200
            assert "javascript" in response.headers["content-type"]


@pytest.mark.parametrize("command", [["stub"], ["mock"], ["mock", "--examples"]], ids=" ".join)
def test_stub_and_mocks_serve_the_shipped_contract(installed: Installed, command: list[str]) -> None:
    with (
        installed.serving(command[0], command[1:]) as base,
        urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response,
    ):
        assert response.status == 200
        assert b'"placeOrder"' in response.read()


def test_a_bad_setting_stops_the_installed_command_with_status_2(installed: Installed) -> None:
    result = installed.run("serve", "--port", "abc")
    assert result.returncode == 2
    assert result.stderr.strip() == "paperbroker serve: --port='abc' is not a port number (1-65535)"


def test_fuzz_runs_from_the_installed_wheel(installed: Installed) -> None:
    quick = [
        "--",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "10",
        "--include-operation-id",
        "getOrders",
    ]
    result = installed.run("fuzz", "--seed", "1", "--report-dir", str(installed.home / "fuzz"), *quick)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "paperbroker fuzz:" in result.stdout


@pytest.mark.skipif(shutil.which("npm") is None, reason="paperbroker codegen needs Node.js and npm")
def test_codegen_runs_from_the_installed_wheel(installed: Installed) -> None:
    result = installed.run("codegen", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    client = (installed.work / "generated" / "client.ts").read_text()
    assert "export function createBrokerClient" in client
    assert "export type PlacedOrder" in client
