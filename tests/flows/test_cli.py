"""The CLI's own behaviour: its version, and arguments refused before any run starts."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from flows.cli import main


def test_version_names_newsflow_prefect_and_duckdb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == (
        f"newsflow {version('newsflow')} (prefect {version('prefect')}, duckdb {version('duckdb')})"
    )


def test_a_missing_seeds_folder_is_an_error_not_an_empty_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.duckdb"
    code = main(["ingest", "--seeds", str(tmp_path / "seedz"), "--db", str(db)])
    assert code == 2
    assert capsys.readouterr().err == f"newsflow: seed folder {tmp_path / 'seedz'} does not exist\n"
    assert not db.exists()


def test_a_missing_seeds_folder_from_the_environment_is_an_error_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_SEEDS", str(tmp_path / "seedz"))
    assert main(["ingest", "--db", str(tmp_path / "news.duckdb")]) == 2


@pytest.mark.parametrize("command", ["reprocess", "retag", "report"])
def test_an_until_before_since_is_refused_before_anything_runs(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.duckdb"
    argv = [command, "--since", "2025-01-01", "--until", "2024-01-01", "--db", str(db)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"newsflow {command}: --until 2024-01-01 is before --since 2025-01-01\n"
    assert not db.exists() and not (tmp_path / "news.private").exists()
