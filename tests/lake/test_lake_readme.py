"""The README's "Scaling out" commands and analyst snippet work, against a test lake."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.lake.test_lake_ingest import _env

pytestmark = [pytest.mark.lake, pytest.mark.usefixtures("prefect_harness")]

SECTION = (
    (ROOT / "README.md")
    .read_text(encoding="utf-8")
    .split("## Scaling out: DuckLake on PostgreSQL", 1)[1]
    .split("\n## ", 1)[0]
)
[SHELL] = re.findall(r"```sh\n(.*?)```", SECTION, flags=re.DOTALL)
[PYTHON] = re.findall(r"```python\n(.*?)```", SECTION, flags=re.DOTALL)
README_LAKE = re.search(r'NEWSFLOW_WAREHOUSE="([^"]+)"', SHELL).group(1)  # type: ignore[union-attr]
BIN = Path(sys.executable).parent


def test_the_readme_commands_ingest_query_and_maintain_the_lake(
    lake_target: str, lake_data: Path, tmp_path: Path
) -> None:
    env = _env(lake_target, lake_data, tmp_path / "private", tmp_path / "home")
    ran = []
    for line in SHELL.strip().splitlines():
        if line == "make lake-venv" or line.startswith("export "):
            continue  # the venv is this one; the exports are the test lake's, in env
        argv = shlex.split(line)
        argv[0] = str(BIN / Path(argv[0]).name)
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        ran.append((line, done.stdout))
    assert len(ran) == 3
    sql_output = ran[1][1]
    assert re.search(r"^1\s*$", sql_output, flags=re.MULTILINE), sql_output  # the bundled seed

    # The analyst's snippet, on the same lake, with a home of its own for the extensions.
    (tmp_path / "analyst").mkdir()
    snippet = PYTHON.replace(README_LAKE, lake_target.replace("'", "''"))
    done = subprocess.run(
        [sys.executable, "-c", snippet],
        env={**env, "HOME": str(tmp_path / "analyst")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    titles, earlier = done.stdout.strip().splitlines()
    assert "Meta" in titles
    assert re.fullmatch(r"\[\(\d+,\)\]", earlier)
