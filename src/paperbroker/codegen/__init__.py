"""`paperbroker codegen`: the TypeScript client of openapi/broker.yaml, by tools/frontend's pinned generator.

The generator (openapi-typescript, with openapi-fetch as the runtime client) is pinned in
tools/frontend/package.json and its lock file; this module only installs it once with `npm ci` and runs
tools/frontend/scripts/codegen.mjs, so the CLI, `make codegen` and the drift test all generate the same way.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from paperbroker.contract import spec_path


def frontend_dir() -> Path:
    """tools/frontend of the checkout the package is installed from (editable install), like spec_path()."""
    return spec_path().parents[1] / "tools" / "frontend"


def default_out() -> Path:
    return frontend_dir() / "generated"


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
    """Writes schema.d.ts and client.ts into `out` (default tools/frontend/generated); returns their paths."""
    frontend = ensure_node_modules()
    out = (out or default_out()).resolve()
    spec = (spec or spec_path()).resolve()
    command = [_require("node"), "scripts/codegen.mjs", "--spec", str(spec), "--out", str(out)]
    subprocess.run(command, cwd=frontend, check=True)
    return [out / "schema.d.ts", out / "client.ts"]
