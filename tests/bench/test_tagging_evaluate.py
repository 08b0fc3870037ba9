"""Tagging accuracy on the shared dev set meets the issue's goals (skipped without the corpus)."""

from __future__ import annotations

import pytest

from bench.tagging.evaluate import (
    LabeledArticle,
    LabeledEntity,
    evaluate_tagging,
    format_scores,
    parse_labeled_articles,
)
from bench.tagging.labels import dev_named
from tests.conftest import shared_path


@pytest.mark.parametrize("field", ["text", "raw_text"])
def test_dev_set_goals_are_met(field: str) -> None:
    path = shared_path("corpora", "tagging", "dev.jsonl")
    scores = evaluate_tagging(
        parse_labeled_articles(path.read_text("utf-8").splitlines()),
        field=field,
        named=dev_named(),
    )
    assert scores.articles == 30
    assert scores.micro.f1 >= 0.85
    assert scores.entity_recall >= 0.90
    # The dev labels leave out many people quoted with a role (Margaret Mitchell, Stella
    # Biderman, ...); discovered entities name them, so precision counts the names a reviewer
    # judged really named (bench/tagging/dev-named.json), as the precision rule says.
    assert scores.named_precision >= 0.90


def test_scoring_counts_aliases_minor_entities_and_types() -> None:
    case = LabeledArticle(
        case_id="x",
        title="OpenAI sued over copyright",
        text="A lawsuit says the AI chatbot ChatGPT copied books; an AI copyright case. " * 3,
        raw_text="",
        topics=frozenset({"legal-copyright"}),
        entities=(LabeledEntity("OpenAI", "company", frozenset({"openai"})),),
        minor_entities=(LabeledEntity("ChatGPT", "product", frozenset({"chatgpt"})),),
    )
    scores = evaluate_tagging([case])
    assert scores.per_topic["legal-copyright"].tp == 1
    assert (scores.entity_recall, scores.entity_precision) == (1.0, 1.0)
    assert scores.type_accuracy == 0.5  # OpenAI is an ai_lab in the catalog
    assert "legal-copyright" in format_scores(scores, "text")
