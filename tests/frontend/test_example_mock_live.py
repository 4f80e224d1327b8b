"""`paperbroker mock --examples` as a live process, tested by the Schemathesis CLI as a frontend team would.

Every phase (examples, coverage, fuzzing, and the stateful walk along the spec's links) sends valid requests
with a well-formed API key, and every answer must conform: documented status, documented media type, body
valid against its schema.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.frontend.servers import BIN, running
from tests.keys import AUTH

CHECKS = "status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_every_example_answer_conformant(tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text("")  # its own settings: not the repository's fuzzing configuration
    with running("mock", ["--examples"], log=tmp_path / "mock.log") as base:
        result = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(config),
                "--no-color",
                "run",
                f"{base}/api/v1/openapi.json",
                "--checks",
                CHECKS,
                "--mode",
                "positive",
                "--max-examples",
                "20",
                "--seed",
                "1",
                "--header",
                f"Authorization: {AUTH['Authorization']}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Selected: (\d+)/\1\b", result.stdout), "every operation is tested"
    assert "No issues found" in result.stdout
