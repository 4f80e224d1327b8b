"""Regenerate the pydantic models from the spec, or check that the committed ones are current.

`python -m paperbroker.contract.generate --write` rewrites models.py; without --write it exits 1 when
regenerating would change the file, so the spec and the Python code cannot drift apart.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

from paperbroker.contract import spec_path

MODELS = Path(__file__).with_name("models.py")

CODEGEN_ARGS = [
    "--input-file-type", "openapi",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--target-python-version", "3.11",
    "--use-annotated",
    "--use-standard-collections",
    "--use-union-operator",
    "--field-constraints",
    "--enum-field-as-literal", "one",
    "--collapse-root-models",
    "--use-double-quotes",
    "--disable-timestamp",
    "--formatters", "ruff-format",
    "--custom-file-header",
    "# Generated from openapi/broker.yaml by `make generate` (datamodel-code-generator). Do not edit.",
]  # fmt: skip


def render(spec: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "models.py"
        command = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(spec),
            "--output",
            str(out),
        ]
        subprocess.run([*command, *CODEGEN_ARGS], check=True, capture_output=True, text=True)
        return out.read_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite models.py instead of checking it")
    args = parser.parse_args(argv)
    fresh = render(spec_path())
    if args.write:
        MODELS.write_text(fresh)
        return 0
    current = MODELS.read_text() if MODELS.exists() else ""
    if fresh == current:
        return 0
    diff = difflib.unified_diff(
        current.splitlines(), fresh.splitlines(), "committed", "regenerated", lineterm=""
    )
    print("\n".join(diff))
    print("models.py is stale: run `make generate`.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
