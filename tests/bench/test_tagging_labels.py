"""The second labeled set: labels by the rules, a hashed split, texts found in ../shared."""

from __future__ import annotations

import json

from bench.tagging.labels import LABELS, load_split, split_of
from tests.conftest import shared_path
from transforms.catalog import ENTITY_TYPES, TOPICS

ROWS = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]


def test_every_row_is_in_the_split_its_id_hashes_to() -> None:
    assert [row["split"] for row in ROWS] == [split_of(row["id"]) for row in ROWS]
    assert {split_of(row["id"]) for row in ROWS} == {"tune", "holdout"}
    assert len({row["id"] for row in ROWS}) == len(ROWS)


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
