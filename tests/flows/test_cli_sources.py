"""The CLI's feed commands: sources validation errors, listing and re-enabling a source."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from connectors import Source
from flows.cli import main
from flows.settings import load_settings
from tests.writer_turn import released_after, turn_held_elsewhere
from warehouse import Warehouse, sync_sources


def test_an_invalid_sources_file_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - {name: Lab, url: 'ftp://lab.example/feed'}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["ingest", "--sources", str(bad), "--db", str(tmp_path / "db.duckdb")])
    assert str(caught.value) == (
        f"newsflow: {bad}: sources[0] 'Lab': url: ftp://lab.example/feed: scheme 'ftp' refused"
    )


def test_sources_enable_brings_a_disabled_source_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.duckdb"
    warehouse = Warehouse(db)  # flows write the private side, analysts read db
    with warehouse.writing() as con:
        sync_sources(con, [Source("Lab", "https://lab.example/feed")], datetime(2026, 1, 1))
        con.execute("UPDATE sources SET state = 'disabled', consecutive_failures = 40")
    warehouse.publish()
    assert main(["sources", "enable", "Lab", "--db", str(db)]) == 0
    assert main(["sources", "list", "--db", str(db)]) == 0
    output = capsys.readouterr().out
    assert "Lab: active, 0 failures in a row, last success never, next poll now" in output
    assert main(["sources", "enable", "Nobody", "--db", str(db)]) == 1


def test_sources_list_counts_one_failure_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.duckdb"
    warehouse = Warehouse(db)
    with warehouse.writing() as con:
        sync_sources(con, [Source("Lab", "https://lab.example/feed")], datetime(2026, 1, 1))
        con.execute("UPDATE sources SET consecutive_failures = 1")
    warehouse.publish()
    assert main(["sources", "list", "--db", str(db)]) == 0
    assert "Lab: active, 1 failure in a row, last success never" in capsys.readouterr().out


def test_fetch_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {"NEWSFLOW_ALLOWED_NETWORKS": "127.0.0.0/8, ::1/128", "NEWSFLOW_HOST_DELAY_SECONDS": "0.2"}
    )
    policy = settings.fetch.policy
    assert [str(n) for n in policy.allowed_networks] == ["127.0.0.0/8", "::1/128"]
    assert policy.host_delay_seconds == 0.2
    assert load_settings({}).fetch.policy.allowed_networks == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [("NEWSFLOW_ALLOWED_NETWORKS", "localhost"), ("NEWSFLOW_HOST_DELAY_SECONDS", "-1")],
)
def test_bad_fetch_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        load_settings({name: value})


def test_sources_enable_waits_for_another_writer_instead_of_failing_on_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = Warehouse(tmp_path / "db.duckdb")
    with warehouse.writing() as con:
        sync_sources(con, [Source("Lab", "https://lab.example/feed")], datetime(2026, 1, 1))
        con.execute("UPDATE sources SET state = 'disabled'")
    monkeypatch.setenv("NEWSFLOW_LOCK_WAIT", "0")  # DuckDB's own lock would fail at once
    with turn_held_elsewhere(warehouse) as holder, released_after(holder, 1.0):
        assert main(["sources", "enable", "Lab", "--db", str(warehouse.snapshot)]) == 0
    assert main(["sources", "list", "--db", str(warehouse.snapshot)]) == 0
    assert "Lab: active" in capsys.readouterr().out
