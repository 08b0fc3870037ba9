"""Candidate names: unknown capitalised names surface, known and common words do not."""

from __future__ import annotations

from bench.tagging.evaluate import article_for
from transforms import tag_article
from transforms.candidates import find_candidate_names
from transforms.records import CandidateName


def test_unknown_names_surface_with_counts() -> None:
    text = (
        "Anna Hehir of the Future of Life Institute spoke. Later Anna Hehir said more. "
        "Although it rained, Kestrel Labs shipped. Kestrel Labs grew later."
    )
    names = {c.name: c.mentions for c in find_candidate_names("", text)}
    assert names["Anna Hehir"] == 2
    assert names["Kestrel Labs"] == 2
    assert "Although" not in names


def test_single_words_need_two_mid_sentence_uses() -> None:
    text = "Yesterday it rained. We met Zorblat once. Zorblat came back. Meanwhile nothing."
    names = [c.name for c in find_candidate_names("", text)]
    assert names == ["Zorblat"]


def test_catalog_names_are_not_candidates() -> None:
    tagged = tag_article(article_for("a", "", "Sam Altman met Satya Nadella and Anna Hehir."))
    assert tagged.candidates == (CandidateName("Anna Hehir", 1),)


def test_possessives_and_job_titles_are_stripped() -> None:
    text = "Anna Hehir’s view. Chief Executive Anna Hehir spoke."
    assert find_candidate_names("", text) == (CandidateName("Anna Hehir", 2),)
