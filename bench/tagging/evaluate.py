"""Tagging accuracy on a labeled set: per-topic P/R/F1, micro-F1, entity recall, precision, types.

Run ``python -m bench.tagging.evaluate [DEV_JSONL] [--field text|raw_text] [--errors]``
(``make eval-tagging`` runs it on the shared dev set, on both fields). Scoring
follows shared/corpora/tagging/README.md: a predicted entity matches a labeled one
by canonical name or any ``aliases_seen`` string, case-insensitively; precision
counts predictions that match ``entities`` or ``minor_entities``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from transforms.catalog import TOPICS
from transforms.records import Article, TaggedArticle
from transforms.tagging import tag_article

DEFAULT_DEV_SET = Path(__file__).resolve().parents[3] / "shared/corpora/tagging/dev.jsonl"


@dataclass(frozen=True, slots=True)
class LabeledEntity:
    """A hand-labeled entity: canonical name, type and the surface forms seen."""

    name: str
    type: str
    names: frozenset[str]  # lower-cased canonical name and aliases_seen


@dataclass(frozen=True, slots=True)
class LabeledArticle:
    """One labeled article of the dev set."""

    case_id: str
    title: str
    text: str
    raw_text: str
    topics: frozenset[str]
    entities: tuple[LabeledEntity, ...]
    minor_entities: tuple[LabeledEntity, ...]


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class TaggingScores:
    """Scores of one run of the tagger over a labeled set."""

    articles: int
    per_topic: dict[str, Counts]
    entity_recall: float
    entity_precision: float
    type_accuracy: float
    not_ai_accuracy: float
    errors: tuple[str, ...]
    catalog_precision: float = 1.0  # the same precision over catalog entities only
    named_precision: float = 1.0  # also counting names judged really named (see ``named``)
    discovered_share: float = 0.0  # share of entity tags that are discovered, not catalog
    judged: bool = False  # whether ``named`` judgments were given (else named = label precision)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.per_topic.values():
            total += counts
        return total


def parse_labeled_articles(lines: Iterable[str]) -> list[LabeledArticle]:
    """Parse dev.jsonl lines into labeled articles."""
    cases = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        labels = row["labels"]
        cases.append(
            LabeledArticle(
                case_id=row["id"],
                title=row.get("title") or "",
                text=row["text"],
                raw_text=row.get("raw_text") or row["text"],
                topics=frozenset(labels["topics"]),
                entities=tuple(_labeled(e) for e in labels["entities"]),
                minor_entities=tuple(_labeled(e) for e in labels.get("minor_entities", [])),
            )
        )
    return cases


def evaluate_tagging(
    cases: Sequence[LabeledArticle],
    *,
    field: str = "text",
    named: Mapping[str, frozenset[str]] | None = None,
) -> TaggingScores:
    """Tag every labeled article (its ``text`` or ``raw_text``) and score the tags.

    ``named`` maps a case id to lower-cased names a reviewer judged really named in
    that article though the labels leave them out (the issue's precision rule: a tag
    is right when the entity is really named); they count for ``named_precision``.
    """
    named = named or {}
    per_topic = {topic: Counts() for topic in TOPICS}
    found = labeled = correct = predicted = typed = typed_right = 0
    catalog_predicted = catalog_correct = judged = discovered = 0
    not_ai_right = 0
    errors = []
    for case in cases:
        body = case.raw_text if field == "raw_text" else case.text
        tagged = tag_article(article_for(case.case_id, case.title, body))
        predicted_topics = {t.topic for t in tagged.topics}
        for topic in TOPICS:
            gold, guess = topic in case.topics, topic in predicted_topics
            per_topic[topic] += Counts(
                int(gold and guess), int(guess and not gold), int(gold and not guess)
            )
        not_ai_right += ("not-ai" in case.topics) == ("not-ai" in predicted_topics)
        names = {e.name.lower(): e.type for e in tagged.entities}
        origins = {e.name.lower(): e.origin for e in tagged.entities}
        missed = [e.name for e in case.entities if not e.names & names.keys()]
        found += len(case.entities) - len(missed)
        labeled += len(case.entities)
        extra = []
        for name, type_ in names.items():
            match = next(
                (e for e in (*case.entities, *case.minor_entities) if name in e.names), None
            )
            predicted += 1
            catalog = origins[name] == "catalog"
            catalog_predicted += catalog
            discovered += not catalog
            if match is None:
                judged += name in named.get(case.case_id, frozenset())
                extra.append(name)
                continue
            correct += 1
            catalog_correct += catalog
            typed += 1
            typed_right += match.type == type_
        if predicted_topics != case.topics or missed or extra:
            errors.append(_error_line(case, tagged, missed, extra))
    return TaggingScores(
        articles=len(cases),
        per_topic=per_topic,
        entity_recall=found / labeled if labeled else 1.0,
        entity_precision=correct / predicted if predicted else 1.0,
        type_accuracy=typed_right / typed if typed else 1.0,
        not_ai_accuracy=not_ai_right / len(cases) if cases else 1.0,
        errors=tuple(errors),
        catalog_precision=catalog_correct / catalog_predicted if catalog_predicted else 1.0,
        named_precision=(correct + judged) / predicted if predicted else 1.0,
        discovered_share=discovered / predicted if predicted else 0.0,
        judged=bool(named),
    )


def format_scores(scores: TaggingScores, field: str) -> str:
    """A plain-text report: one line per topic, then the totals."""
    lines = [
        f"tagging scores on {scores.articles} articles ({field})",
        "topic            P     R     F1   tp fp fn",
    ]
    for topic, c in scores.per_topic.items():
        lines.append(
            f"{topic:<15} {c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f} {c.tp:4} {c.fp:2} {c.fn:2}"
        )
    micro = scores.micro
    lines += [
        f"topic micro     P {micro.precision:.3f}  R {micro.recall:.3f}  F1 {micro.f1:.3f}",
        f"not-ai accuracy {scores.not_ai_accuracy:.3f}",
        f"entities        recall {scores.entity_recall:.3f}"
        f"  precision {scores.entity_precision:.3f}"
        f"  type accuracy {scores.type_accuracy:.3f}",
        f"                catalog-only precision {scores.catalog_precision:.3f}"
        f"  precision with judged names "
        f"{f'{scores.named_precision:.3f}' if scores.judged else 'n/a'}"
        f"  discovered share {scores.discovered_share:.3f}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the tagger on a labeled JSONL file and print the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.tagging.evaluate", description=__doc__)
    parser.add_argument("dev_set", nargs="?", type=Path, default=DEFAULT_DEV_SET)
    parser.add_argument("--field", choices=("text", "raw_text"), action="append")
    parser.add_argument("--errors", action="store_true", help="list articles with wrong tags")
    args = parser.parse_args(argv)
    if not args.dev_set.is_file():
        parser.error(f"{args.dev_set}: no such file (the dev set lives in shared/corpora/tagging)")
    cases = parse_labeled_articles(args.dev_set.read_text(encoding="utf-8").splitlines())
    for field in args.field or ["text", "raw_text"]:
        scores = evaluate_tagging(cases, field=field)
        print(format_scores(scores, field))
        if args.errors:
            print("\n".join(scores.errors))
        print()
    return 0


def _labeled(entity: dict[str, object]) -> LabeledEntity:
    seen = entity.get("aliases_seen") or []
    assert isinstance(seen, list)
    names = frozenset(str(n).lower() for n in [entity["name"], *seen])
    return LabeledEntity(str(entity["name"]), str(entity["type"]), names)


def article_for(case_id: str, title: str, text: str) -> Article:
    """An article record around a labeled text (the tagger reads only title and text)."""
    return Article(
        article_id=case_id,
        url=f"dev://{case_id}",
        canonical_url=f"dev://{case_id}",
        source="dev",
        origin="seed",
        title=title,
        title_derived=False,
        author=None,
        published_at=None,
        language="en",
        text=text,
        word_count=len(text.split()),
        content_hash=case_id,
        fetched_at=datetime(2023, 12, 1),
        extractor_version="dev",
    )


def _error_line(
    case: LabeledArticle, tagged: TaggedArticle, missed: list[str], extra: list[str]
) -> str:
    scored = ", ".join(f"{t.topic}={t.score}" for t in tagged.topics)
    return (
        f"{case.case_id}: topics gold={sorted(case.topics)} got=[{scored}]"
        f"\n    missed={missed} extra={extra}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
