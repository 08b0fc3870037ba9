"""The second labeled set: labels by the rules, a hashed split, texts found in ../shared."""

from __future__ import annotations

import json

from bench.tagging.labels import LABELS, load_split, split_of
from tests.conftest import shared_path
from transforms.catalog import ENTITY_TYPES, TOPICS

ROWS = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]


def test_every_row_is_in_the_split_its_id_hashes_to() -> None:
    splits = [split_of(row["id"], row.get("batch", 1)) for row in ROWS]
    assert [row["split"] for row in ROWS] == splits
    assert set(splits) == {"tune", "holdout", "tune2", "holdout2"}
    assert len({row["id"] for row in ROWS}) == len(ROWS)


def test_a_feed_item_with_a_plain_summary_reads_as_title_and_summary() -> None:
    shared_path("corpora", "feeds", "real-sites")
    cases = {case.case_id: case for case in load_split("tune2") + load_split("holdout2")}
    assert len(cases) == sum(row.get("batch") == 2 for row in ROWS)
    assert all(case.title and case.text for case in cases.values())


def test_labels_use_the_fixed_topics_and_types_and_not_ai_alone() -> None:
    for row in ROWS:
        labels = row["labels"]
        if labels is None:
            continue
        topics = labels["topics"]
        assert set(topics) <= set(TOPICS), row["id"]
        assert "not-ai" not in topics or topics == ["not-ai"], row["id"]
        for entity in (*labels["entities"], *labels["minor_entities"]):
            assert entity["type"] in ENTITY_TYPES - {"organization"}, (row["id"], entity)


def test_the_tune_split_reads_every_labeled_text_from_the_shared_corpora() -> None:
    shared_path("corpora", "extraction", "trafilatura-eval")
    cases = load_split("tune")
    labeled = [r for r in ROWS if r["split"] == "tune" and r["labels"] is not None]
    assert [case.case_id for case in cases] == [row["id"] for row in labeled]
    assert all(len(case.text.split()) >= 50 for case in cases)
    tech = next(case for case in cases if case.case_id.startswith("tc-"))
    assert tech.title and "Crunchbase" not in tech.title
