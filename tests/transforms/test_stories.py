"""Story clustering: copies of one story together, different stories apart."""

from __future__ import annotations

import itertools
import json

from tests.conftest import shared_path
from transforms.stories import estimate_containment, is_same_story, sketch_text

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


def test_dev_pairs_are_one_story_and_different_articles_never_are() -> None:
    """Each article's clean text and its noisy scrape are one story; different articles never are.

    Pairwise, as the warehouse tests each candidate (``warehouse/stories.py``); which story an
    article joins among several matches is tested there (tests/warehouse/test_identity.py).
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
