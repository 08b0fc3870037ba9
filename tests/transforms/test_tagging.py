"""Tagging v1: the seed article's tags, catalog validation and evidence."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from transforms import tag_article
from transforms.catalog import CatalogError, read_catalog
from transforms.records import Article


def _article(text: str, title: str = "") -> Article:
    return Article(
        article_id="a",
        url="u",
        canonical_url="u",
        source="s",
        origin="seed",
        title=title,
        title_derived=False,
        author=None,
        published_at=None,
        language=None,
        text=text,
        word_count=len(text.split()),
        content_hash="h",
        fetched_at=datetime(2026, 1, 1),
        extractor_version="x",
    )


def test_surname_counts_only_after_the_full_name() -> None:
    tagged = tag_article(_article("LeCun spoke. Then Yann LeCun spoke. LeCun again."))
    [lecun] = [e for e in tagged.entities if e.name == "Yann LeCun"]
    assert lecun.mentions == 2
    assert lecun.evidence == ("Yann LeCun@18", "LeCun@36")


def test_meta_does_not_match_inside_meta_analysis() -> None:
    tagged = tag_article(_article("A meta-analysis and a Meta-analysis of AI studies."))
    assert "Meta" not in {e.name for e in tagged.entities}


def test_article_with_few_ai_terms_is_not_ai_only() -> None:
    tagged = tag_article(_article("The city council approved new parking regulation rules today."))
    assert [t.topic for t in tagged.topics] == ["not-ai"]


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("entities:\n  - {id: a, name: A, type: planet}\n", "entry 'a': unknown type 'planet'"),
        ("entities:\n  - {id: a, type: company}\n", "entry 1 (?): missing 'name'"),
        (
            "entities:\n  - {id: a, name: A, type: company}\n  - {id: a, name: B, type: company}\n",
            "entry 'a': duplicate id",
        ),
        ("entities:\n  - {id: a, name: A, type: company, wikidata: 12}\n", "like Q123"),
    ],
)
def test_invalid_catalog_entry_is_named(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(message)):
        read_catalog(path)


def test_shipped_catalog_is_valid() -> None:
    catalog = read_catalog()
    assert len({e.entity_id for e in catalog}) == len(catalog) > 0


def test_catalog_has_at_least_400_entities_of_every_type() -> None:
    catalog = read_catalog()
    assert len(catalog) >= 400
    assert {e.type for e in catalog} >= {
        "person",
        "company",
        "ai_lab",
        "product",
        "regulator",
        "law",
    }


def test_no_name_or_wikidata_id_belongs_to_two_entities() -> None:
    catalog = read_catalog()
    names = [n for e in catalog for n in {e.name, *e.aliases}]
    qids = [e.wikidata_id for e in catalog if e.wikidata_id]
    assert len(names) == len(set(names))
    assert len(qids) == len(set(qids))


def test_unknown_catalog_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text("entities:\n  - {id: a, name: A, type: company, alias: [B]}\n", "utf-8")
    with pytest.raises(CatalogError, match=re.escape("entry 'a': unknown field(s) ['alias']")):
        read_catalog(path)


def test_seed_article_keeps_its_topics_and_entities() -> None:
    text = (ROOT / "seeds" / "meta-open-source-ai-2023-12-17.txt").read_text("utf-8")
    tagged = tag_article(_article(text.split(" ", 2)[2]))
    assert {"open-source", "regulation"} <= {t.topic for t in tagged.topics}
    names = {e.name for e in tagged.entities}
    assert {"Meta", "Yann LeCun", "PyTorch", "Google", "Microsoft"} <= names


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(max_size=80),
    pieces=st.lists(
        st.sampled_from(["Meta", "AI", "Claude", "Yann LeCun", "LeCun", "-", "’s", " ", "\n", "x"])
        | st.text(max_size=5),
        max_size=80,
    ),
)
def test_any_text_tags_without_error_and_with_valid_evidence(title: str, pieces: list[str]) -> None:
    text = "".join(pieces)
    tagged = tag_article(_article(text, title=title))
    for mention in tagged.entities:
        assert mention.mentions >= len(mention.evidence) >= 1
        for item in mention.evidence:
            matched, _, where = item.rpartition("@")
            assert where == "title" or text[int(where) :].startswith(matched)
    assert all(t.topic != "not-ai" for t in tagged.topics) or len(tagged.topics) == 1


def test_derived_title_is_not_counted_twice() -> None:
    text = "OpenAI released a model. It is good."
    article = _article(text, title="OpenAI released a model")
    derived = tag_article(replace(article, title_derived=True))
    given_title = tag_article(article)
    assert [e.mentions for e in derived.entities] == [1]
    assert [e.mentions for e in given_title.entities] == [2]
