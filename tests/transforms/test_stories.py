"""Story clustering: copies of one story together, different stories apart."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import datetime

from tests.conftest import shared_path
from tests.factories import tagged_article
from transforms.records import Article, StoredSketch
from transforms.stories import assign_stories, estimate_containment, is_same_story, sketch_text

STORY = (
    "Nvidia said on Wednesday that revenue in its data centre business tripled from a year "
    "earlier as cloud companies raced to build capacity for generative AI models. The chip "
    "maker forecast sales above analysts' estimates and said supply of its H100 processors "
    "would improve through next year, while export rules for China remain a risk to growth. "
)


def test_a_wire_copy_with_navigation_noise_is_the_same_story() -> None:
    noisy = "Home News Tech Markets Sign in Subscribe\n" + STORY * 2 + "\nMost read Newsletters"
    assert is_same_story(sketch_text(STORY * 2), sketch_text(noisy))


def test_different_stories_are_apart() -> None:
    other = (
        "The European Parliament approved its negotiating position on the AI Act, adding "
        "obligations for foundation models and a ban on real-time facial recognition in public. "
    )
    assert not is_same_story(sketch_text(STORY), sketch_text(other * 2))
    assert estimate_containment(sketch_text(STORY), ()) == 0.0


def test_a_texts_sketch_has_the_hashes_earlier_versions_stored() -> None:
    """New sketches are compared with stored ones, so a text's hashes never change."""
    sketch = sketch_text(STORY)
    assert sketch[:4] == (55, 389511744782910405, 529354671619528904, 550933268979389757)
    assert len(sketch) == 56 and sketch[-1] == 9218104959616369354
    assert sum(sketch[1:]) == 303154405444236827585
    assert sketch_text("Nvidia rallies") == (1, 2591777199209747944)  # fewer words than a shingle


def test_dev_pairs_are_one_story_and_different_articles_never_are() -> None:
    """Each article's clean text and its noisy scrape are one story; different articles never are.

    Pairwise, as assign_stories tests each candidate the warehouse's index found; which story
    an article joins among several matches is tested below and, through the index, in
    tests/warehouse/test_identity.py.
    """
    path = shared_path("corpora", "tagging", "dev.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    items = [(row["id"], sketch_text(row[field])) for row in rows for field in ("text", "raw_text")]
    true_pos = false_pos = false_neg = 0
    for (a, first), (b, second) in itertools.combinations(items, 2):
        same, predicted = a == b, is_same_story(first, second)
        true_pos += same and predicted
        false_pos += predicted and not same
        false_neg += same and not predicted
    assert (true_pos, false_pos, false_neg) == (len(rows), 0, 0)


OTHER = (
    "The European Parliament approved its negotiating position on the AI Act, adding "
    "obligations for foundation models and a ban on real-time facial recognition in public. "
)


def _article(key: str, text: str) -> Article:
    return replace(tagged_article(key).article, sketch=sketch_text(text))


def _stored(key: str, text: str, story: str | None, day: int) -> StoredSketch:
    return StoredSketch(key, sketch_text(text), story, datetime(2026, 1, day))


def test_an_article_joins_the_story_of_its_earliest_matching_candidate() -> None:
    candidates = [
        _stored("late", STORY, "story-late", 3),
        _stored("apart", OTHER * 2, "story-apart", 1),
        _stored("early", STORY, "story-early", 2),
    ]
    got = assign_stories(
        [_article("new", STORY)], candidates={"new": candidates}, previous={"new": None}
    )
    assert got == {"new": "story-early"}


def test_copies_within_a_batch_join_the_first_copys_story() -> None:
    batch = [_article("first", STORY), _article("copy", STORY)]
    # The index finds the first copy for the second; it has no story yet but the one just given.
    candidates = {"copy": [_stored("first", STORY, None, 1)]}
    got = assign_stories(batch, candidates=candidates, previous={})
    assert got == {"first": "first", "copy": "first"}


def test_without_a_match_an_article_keeps_its_story_or_founds_its_own() -> None:
    batch = [_article("kept", STORY), _article("new", STORY)]
    candidates = {"kept": [_stored("apart", OTHER * 2, "story-apart", 1)]}
    got = assign_stories(batch, candidates=candidates, previous={"kept": "story-kept"})
    assert got == {"kept": "story-kept", "new": "new"}
