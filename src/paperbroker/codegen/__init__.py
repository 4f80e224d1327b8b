"""`paperbroker codegen`: the TypeScript client of the contract, by tools/frontend's pinned generator.

The generator (openapi-typescript, with openapi-fetch as the runtime client) is pinned in
tools/frontend/package.json and its lock file. The package ships those two files and
scripts/codegen.mjs in `toolchain/` (symlinks in the source tree, so there is one copy of each), which
makes `paperbroker codegen` work from an installed wheel too: there the toolchain is copied once into a
user cache folder and installed with `npm ci`. In a checkout, tools/frontend itself is used.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from paperbroker.contract import spec_path

TOOLCHAIN_FILES = ("package.json", "package-lock.json", "scripts/codegen.mjs")


def _toolchain() -> Path:
    return Path(str(resources.files(__package__) / "toolchain"))


def in_checkout() -> bool:
    """The shipped toolchain files are symlinks into tools/frontend only in a source checkout."""
    return (_toolchain() / "package.json").is_symlink()


def frontend_dir() -> Path:
    """tools/frontend of the checkout, or the user cache copy of the shipped toolchain (installed wheel)."""
    if in_checkout():
        return (_toolchain() / "package.json").resolve().parent
    lock = (_toolchain() / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "paperbroker" / f"codegen-{hashlib.sha256(lock).hexdigest()[:16]}"
    for name in TOOLCHAIN_FILES:
        target = folder / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_toolchain() / name, target)
    return folder


def default_out() -> Path:
    """tools/frontend/generated in a checkout; ./generated where the package is installed from a wheel."""
    return frontend_dir() / "generated" if in_checkout() else Path.cwd() / "generated"


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise SystemExit(f"paperbroker codegen needs {tool} (Node.js 20.19 or newer) on PATH")
    return found


def ensure_node_modules(frontend: Path | None = None) -> Path:
    """`npm ci` when the lock file is newer than the last install; a no-op afterwards."""
    frontend = frontend or frontend_dir()
    stamp = frontend / "node_modules" / ".installed-stamp"
    lock = frontend / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([_require("npm"), "ci", "--no-audit", "--no-fund"], cwd=frontend, check=True)
        stamp.touch()
    return frontend


def generate(out: Path | None = None, spec: Path | None = None) -> list[Path]:
    """Writes schema.d.ts, client.ts and examples.ts into `out` (default: see default_out); returns them."""
    frontend = ensure_node_modules()
    out = (out or default_out()).resolve()
    spec = (spec or spec_path()).resolve()
    command = [_require("node"), "scripts/codegen.mjs", "--spec", str(spec), "--out", str(out)]
    subprocess.run(command, cwd=frontend, check=True)
    return [out / name for name in ("schema.d.ts", "client.ts", "examples.ts")]
