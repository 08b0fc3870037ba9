"""Bulk loads: a batch written column-wise reads back exactly, row for row, NULLs included."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from connectors import Failure
from tests.warehouse.test_load import NOW, _tagged
from transforms import assign_stories
from transforms.records import EntityMention, TopicTag
from warehouse import load_batch
from warehouse.db import connect_warehouse


def test_bulk_batch_round_trips_every_value(db_path: Path) -> None:
    plain = _tagged("a")
    sparse = dataclasses.replace(
        _tagged("b", topics=()),
        article=dataclasses.replace(
            _tagged("b").article, title=None, published_at=None, language=None, author="Ann"
        ),
        entities=(EntityMention("openai", "OpenAI", "ai_lab", None, 1, ()),),
    )
    multi = dataclasses.replace(
        _tagged("c", topics=("safety", "funding")),
        topics=(TopicTag("safety", 4.5, ("risk@3", "harm@9")), TopicTag("funding", 2.0, ())),
    )
    failures = [
        Failure("fetch", "feed-a", f"http://127.0.0.2/{n}", "http_status", f"HTTP 500 ({n})")
        for n in range(3)
    ]
    con = connect_warehouse(db_path)
    counts = load_batch(
        con,
        assign_stories=assign_stories,
        run_id="r1",
        tagged=[plain, sparse, multi],
        failures=failures,
        now=NOW,
    )

    assert (counts.new, counts.failures) == (3, 3)
    rows = con.execute(
        "SELECT article_id, title, author, published_at, language, title_derived, word_count, "
        "first_seen_at, run_id FROM articles ORDER BY article_id"
    ).fetchall()
    assert rows == [
        ("a", "Title a", None, datetime(2024, 1, 1), "en", False, 2, NOW, "r1"),
        ("b", None, "Ann", None, None, False, 2, NOW, "r1"),
        ("c", "Title c", None, datetime(2024, 1, 1), "en", False, 2, NOW, "r1"),
    ]
    assert con.execute("SELECT * FROM article_topics ORDER BY article_id, topic").fetchall() == [
        ("a", "research", 3.0, ["term@1"]),
        ("c", "funding", 2.0, []),
        ("c", "safety", 4.5, ["risk@3", "harm@9"]),
    ]
    assert con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall() == [
        ("meta", "Meta", "company", "Q380", "catalog", None, None),
        ("openai", "OpenAI", "ai_lab", None, "catalog", None, None),
    ]
    assert con.execute(
        "SELECT article_id, entity_id, mentions, evidence FROM article_entities ORDER BY 1"
    ).fetchall() == [
        ("a", "meta", 2, ["Meta@0", "Meta@9"]),
        ("b", "openai", 1, []),
        ("c", "meta", 2, ["Meta@0", "Meta@9"]),
    ]
    stored = con.execute('SELECT "at", url_or_path, message FROM failures ORDER BY 2').fetchall()
    assert stored == [(NOW, f"http://127.0.0.2/{n}", f"HTTP 500 ({n})") for n in range(3)]
