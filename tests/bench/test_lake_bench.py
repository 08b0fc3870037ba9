"""The lake benchmark's shares of the feeds and its reading of PostgreSQL's log."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench.corpus import Page
from bench.lake import _split, parse_configs
from bench.lake_runs import CatalogLog
from bench.server import LoopbackFarm
from bench.workload import serve_workload
from connectors import read_sources


def test_split_gives_each_feed_to_one_process_under_its_whole_file_name(tmp_path: Path) -> None:
    pages = [Page(f"p{i}", f"<html><p>page {i}</p></html>".encode()) for i in range(14)]
    with LoopbackFarm() as farm:
        workload = serve_workload(farm, pages, name="lake", feeds=7, items=2, directory=tmp_path)

    shares = [read_sources(path) for path in _split(workload, 4, tmp_path)]

    whole = {(s.name, s.url) for s in read_sources(workload.sources_file)}
    assert [len(share) for share in shares] == [2, 2, 2, 1]
    listed = [(s.name, s.url) for share in shares for s in share]
    assert len(listed) == len(set(listed)) and set(listed) == whole


def test_catalog_log_counts_only_the_errors_logged_since_the_last_look(tmp_path: Path) -> None:
    log = tmp_path / "postgresql.log"
    log.write_text('2026-12-02 [1] ERROR:  relation "old" does not exist\n')
    catalog = CatalogLog(log)
    snapshot_error = 'duplicate key value violates unique constraint "ducklake_snapshot_pkey"'
    with log.open("a") as out:
        out.write(f"2026-12-02 [2] ERROR:  {snapshot_error}\n")
        out.write("2026-12-02 [2] DETAIL:  Key (snapshot_id)=(7) already exists.\n")
        out.write(f"2026-12-02 [3] ERROR:  {snapshot_error}\n")

    first = catalog.errors_since_last()
    again = catalog.errors_since_last()

    assert first == {snapshot_error: 2}
    assert again == {}
    assert CatalogLog(None).errors_since_last() is None


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        pytest.param("4", ("4",), id="one"),
        pytest.param("4,2 same", ("4", "2 same"), id="label-order-kept"),
        pytest.param("1, 2,4,same", ("1", "2", "4", "2 same"), id="same-for-short"),
        pytest.param("2,2", ("2",), id="each-once"),
    ],
)
def test_parse_configs_names_configurations_in_the_order_given(
    text: str, labels: tuple[str, ...]
) -> None:
    assert parse_configs(text) == labels


def test_parse_configs_refuses_an_unknown_configuration_naming_the_choices() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="'3'.*1, 2, 4, 2 same"):
        parse_configs("1,3")
