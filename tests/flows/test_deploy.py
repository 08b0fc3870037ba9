"""`newsflow deploy` refuses to run where it cannot do the whole setup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def _deploy(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run(
        [str(NEWSFLOW), "deploy", "--project", str(project)],
        env={**clean, "PREFECT_SERVER_EPHEMERAL_ENABLED": "false", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("project", "env", "message"),
    [
        pytest.param(ROOT, {}, "PREFECT_API_URL is not set", id="no-server"),
        pytest.param(
            ROOT / "seeds",
            {"PREFECT_API_URL": "http://127.0.0.1:9/api"},
            "no prefect.yaml here",
            id="not-the-project",
        ),
    ],
)
def test_deploy_explains_what_is_missing(project: Path, env: dict[str, str], message: str) -> None:
    result = _deploy(project, **env)
    assert result.returncode == 2
    assert message in result.stderr
