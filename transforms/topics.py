"""Topic scoring: terms weighted by position and density, entity hints, measured thresholds."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from transforms.catalog import Beside, CatalogEntity, Taxonomy, read_catalog, read_taxonomy
from transforms.entities import story_start
from transforms.matcher import PhraseMatcher, boilerplate_spans, in_navigation, in_spans
from transforms.records import EntityMention, TopicTag

MAX_EVIDENCE = 8
ENTITY_HINT_CAP = 3  # a law named ten times is not ten times more regulation
_AI = "ai"
# Substance (rule "a passing word or one sentence is not enough"), in raw term weights:
PARAGRAPH_EVIDENCE = 2.0  # a paragraph that really discusses a topic has this much evidence
SPREAD = 2  # ...and a topic the title and lead do not cue needs this many such paragraphs
LEAD_CUE = 3.0  # evidence in the title and lead that makes a topic the article's subject
TITLE_CUE = 1.5  # one strong term in the title (launch, safety, chip)...
TITLE_DISCOUNT = 0.75  # ...lowers the topic's threshold by this factor
# A brief (a feed summary, a news-in-brief item under BRIEF_WORDS) is all title and lead,
# and its one sentence is its subject: its evidence is scaled up in proportion to how much
# shorter than BRIEF_WORDS it is, counting it as MIN_WORDS long at the least.
BRIEF_WORDS, MIN_WORDS = 100, 10
BRIEF_CUE = 1.0  # ...but its title and sentence still need one full-weight term
_LINE_BREAK = re.compile(r"\n+")


@dataclass(frozen=True, slots=True)
class _Term:
    """A taxonomy term: which topic (or the AI gate) it counts for, and how much."""

    group: str
    phrase: str
    weight: float
    required: bool
    within: int = 0  # a required term counts only this near a term of its group (0: anywhere)


@dataclass(frozen=True, slots=True)
class TopicIndex:
    """The taxonomy compiled into matchers, plus entity hints by entity id."""

    taxonomy: Taxonomy
    cased: PhraseMatcher[_Term]
    folded: PhraseMatcher[_Term]
    hints: dict[str, tuple[tuple[str, float], ...]]
    type_hints: dict[str, tuple[tuple[str, float], ...]]  # for entities without hints


@cache
def topic_index() -> TopicIndex:
    """The shipped taxonomy and catalog hints, compiled (cached)."""
    return build_topic_index(read_taxonomy(), read_catalog())


def build_topic_index(taxonomy: Taxonomy, catalog: tuple[CatalogEntity, ...]) -> TopicIndex:
    """Compile terms: ones with capitals match exactly ("AI"), others in any case."""
    terms = [_Term(_AI, phrase, weight, False) for phrase, weight in taxonomy.ai_terms]
    for rule in taxonomy.rules:
        terms += [_Term(rule.topic, p, w, False) for p, w in rule.terms]
        terms += [_Term(rule.topic, p, 0.0, True, rule.requires_within) for p in rule.requires]
    cased = [(t.phrase, t) for t in terms if t.phrase != t.phrase.lower()]
    folded = [(t.phrase, t) for t in terms if t.phrase == t.phrase.lower()]
    by_type = dict(taxonomy.ai_entity_types)
    hints = {}
    for entity in catalog:
        entity_hints = entity.hints
        if entity.type in by_type and all(topic != _AI for topic, _ in entity_hints):
            entity_hints = (*entity_hints, (_AI, by_type[entity.type]))
        if entity_hints:
            hints[entity.entity_id] = entity_hints
    type_hints: dict[str, list[tuple[str, float]]] = {}
    for rule in taxonomy.rules:
        for type_, weight in rule.entity_types:
            type_hints.setdefault(type_, []).append((rule.topic, weight))
    return TopicIndex(
        taxonomy,
        PhraseMatcher(cased),
        PhraseMatcher(folded, fold_case=True),
        hints,
        {type_: tuple(weights) for type_, weights in type_hints.items()},
    )


@dataclass(frozen=True, slots=True)
class TopicScores:
    """Every topic's density-normalised score (and the AI gate's, under ``ai``), with evidence."""

    scores: dict[str, float]
    evidence: dict[str, tuple[str, ...]]
    gated: frozenset[str]  # topics whose ``requires`` terms were present
    paragraphs: dict[str, dict[int, float]]  # evidence weight per paragraph (0: the title)
    density: float = 1.0  # sqrt(words / reference words): above 1 long, below 1 short


def score_topics(
    title: str,
    text: str,
    entities: tuple[EntityMention, ...],
    index: TopicIndex | None = None,
) -> tuple[TopicTag, ...]:
    """Topics the article substantially discusses, each with its score and evidence.

    An article below the AI threshold is ``not-ai`` alone (rule T1), unless a topic
    that may apply without AI passes its threshold: semiconductor stories are part
    of the AI supply chain (rule T2), and then every topic is scored as usual.
    """
    index = index or topic_index()
    measured = measure_topics(title, text, entities, index)
    lead = lead_paragraphs(title, text, index.taxonomy.lead_chars)
    passed = [
        rule
        for rule in index.taxonomy.rules
        if _applies(measured, rule.topic, rule.threshold, lead)
        and (not rule.requires or rule.topic in measured.gated)
    ]
    in_scope = measured.scores[_AI] >= index.taxonomy.ai_threshold or any(
        rule.without_ai for rule in passed
    )
    if not in_scope:
        return (TopicTag("not-ai", round(measured.scores[_AI], 2), measured.evidence[_AI]),)
    tags = [
        TopicTag(rule.topic, round(measured.scores[rule.topic], 2), measured.evidence[rule.topic])
        for rule in passed
    ]
    return tuple(tags)


def measure_topics(
    title: str,
    text: str,
    entities: tuple[EntityMention, ...],
    index: TopicIndex | None = None,
) -> TopicScores:
    """Score every topic, before thresholds: the explainable part of topic tagging.

    Each term hit weighs its taxonomy weight times a position factor (title, lead,
    body); repeats of one term count up to a cap; catalog entities (and new
    versions of catalog families) add their topic hints. The sum is divided by the
    square root of the length relative to a reference length, so that density, not
    length, decides; a brief (under ``BRIEF_WORDS``) is divided by its length
    relative to ``BRIEF_WORDS``, so its one sentence counts as a subject.
    """
    index = index or topic_index()
    layout = _Layout.of(title, text)
    tally = _Tally()
    _count_terms(tally, index, layout)
    _count_entity_hints(tally, index, entities, layout)
    _count_beside(tally, index, entities, layout)
    density = _density(len(text.split()), index.taxonomy.reference_words)
    return tally.normalised([_AI, *(rule.topic for rule in index.taxonomy.rules)], density)


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the title, the story's lead and each paragraph are in ``title + "\n" + text``."""

    haystack: str
    body_start: int
    lead_start: int  # offset into the body: after a scrape's menus
    starts: list[int]  # where each paragraph starts (paragraph 0: the title)

    @classmethod
    def of(cls, title: str, text: str) -> _Layout:
        haystack = f"{title}\n{text}"
        starts = [0, *(m.end() for m in _LINE_BREAK.finditer(haystack))]
        return cls(haystack, len(title) + 1, story_start(title, text), starts)

    def paragraph(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1


@dataclass(slots=True)
class _Tally:
    """Evidence gathered so far, per topic (and for the AI gate), before normalisation."""

    scores: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    # Entity hints: a brief naming an AI product is about AI, but a product's weak topic
    # hints are not scaled up into the brief's topics.
    hinted: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    gated: set[str] = field(default_factory=set)
    terms_at: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    paragraphs: defaultdict[str, defaultdict[int, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )

    def normalised(self, groups: list[str], density: float) -> TopicScores:
        """Scores divided by density; a brief's entity hints are not scaled up (see ``hinted``)."""
        return TopicScores(
            scores={
                group: self.scores[group] / density
                + self.hinted[group] / (density if group == _AI else max(density, 1.0))
                for group in groups
            },
            evidence={group: _strongest(self.evidence.get(group, [])) for group in groups},
            gated=frozenset(self.gated),
            paragraphs={group: dict(self.paragraphs[group]) for group in groups},
            density=density,
        )


def _count_terms(tally: _Tally, index: TopicIndex, layout: _Layout) -> None:
    """Add every term hit outside menus and boilerplate, weighted by where it is.

    Repeats of one term count up to the taxonomy's cap. A ``requires`` term adds no
    score: it gates its topic (see ``_gated``).
    """
    taxonomy = index.taxonomy
    haystack, body_start = layout.haystack, layout.body_start
    required: list[tuple[int, _Term]] = []
    repeats: Counter[str] = Counter()
    boilerplate = boilerplate_spans(haystack)
    for hit in (*index.cased.iter_hits(haystack), *index.folded.iter_hits(haystack)):
        # Menus are runs of labels: a lower-case word between names is prose
        # ("Anthropic released Claude 3").
        menu = hit.text[0].isupper() and in_navigation(haystack, hit.start, hit.end, body_start)
        if menu or in_spans(boilerplate, hit.start):
            continue
        offset = hit.start - body_start
        factor = _position_factor(taxonomy, offset, layout.lead_start)
        where = offset if offset >= 0 else "title"
        for term in hit.values:
            if term.required:
                required.append((hit.start, term))
                continue
            tally.terms_at[term.group].append(hit.start)
            repeats[term.phrase] += 1
            if repeats[term.phrase] <= taxonomy.repeat_cap:
                tally.scores[term.group] += term.weight * factor
                tally.paragraphs[term.group][layout.paragraph(hit.start)] += term.weight
                tally.evidence.setdefault(term.group, []).append(
                    (term.weight * factor, f"{hit.text}@{where}")
                )
    tally.gated.update(_gated(required, tally.terms_at))


def _position_factor(taxonomy: Taxonomy, offset: int, lead_start: int) -> float:
    """A term weighs most in the title (negative offsets), then in the lead, then in the body."""
    if offset < 0:
        return taxonomy.title_weight
    if lead_start <= offset < lead_start + taxonomy.lead_chars:
        return taxonomy.lead_weight
    return 1.0


def _gated(required: list[tuple[int, _Term]], positions: dict[str, list[int]]) -> Iterator[str]:
    """Topics whose ``requires`` terms are present, near enough a term of the topic if asked."""
    for start, term in required:
        if not term.within or any(
            abs(start - other) <= term.within for other in positions[term.group]
        ):
            yield term.group


def _count_entity_hints(
    tally: _Tally, index: TopicIndex, entities: tuple[EntityMention, ...], layout: _Layout
) -> None:
    """Add the topic hints of catalog entities (and their families' new versions), capped;
    an entity without hints lends those of its type (``entity_types``: a discovered law).

    Each entity counts up to ``ENTITY_HINT_CAP`` mentions. A positive hint also gates its
    topic; the paragraphs of the first mentions get the hint's weight, so a law named in
    the lead makes regulation the lead's subject.
    """
    for mention in entities:
        # A new version of a catalog family ("Llama 3.1") hints as the family does.
        hints = (
            index.hints.get(mention.entity_id)
            or index.hints.get(mention.family or "")
            or index.type_hints.get(mention.type, ())
        )
        for topic, weight in hints:
            gain = weight * min(mention.mentions, ENTITY_HINT_CAP)
            tally.hinted[topic] += gain
            tally.evidence.setdefault(topic, []).append(
                (gain, f"entity:{mention.name}x{mention.mentions}")
            )
            if weight > 0:
                tally.gated.add(topic)
            for where in mention.evidence[:ENTITY_HINT_CAP]:
                at = where.rsplit("@", 1)[1]
                position = 0 if at == "title" else layout.body_start + int(at)
                tally.paragraphs[topic][layout.paragraph(position)] += weight


def _count_beside(
    tally: _Tally, index: TopicIndex, entities: tuple[EntityMention, ...], layout: _Layout
) -> None:
    """Add a topic's ``beside`` weight once if a term of it is next to an entity in the lead.

    A product named in the title or lead right beside a launch word is the launch the
    story reports, whatever else the story goes on to discuss.
    """
    lead_end = layout.lead_start + index.taxonomy.lead_chars
    for rule in index.taxonomy.rules:
        beside, terms_at = rule.beside, tally.terms_at[rule.topic]
        if beside is None or not terms_at:
            continue
        for mention in entities:
            if mention.type != beside.entity_type:
                continue
            at = _named_beside(mention, beside, terms_at, layout, lead_end)
            if at is None:
                continue
            tally.scores[rule.topic] += beside.weight
            tally.paragraphs[rule.topic][layout.paragraph(at)] += beside.weight
            tally.evidence.setdefault(rule.topic, []).append(
                (beside.weight, f"beside:{mention.name}")
            )
            break


def _named_beside(
    mention: EntityMention, beside: Beside, terms_at: list[int], layout: _Layout, lead_end: int
) -> int | None:
    """Where the entity is named in the title or lead next to a term, if it is."""
    for where in mention.evidence:
        text, at = where.rsplit("@", 1)
        if at == "title":
            if any(term < layout.body_start for term in terms_at):
                return 0
        elif int(at) < lead_end:
            start = layout.body_start + int(at)
            end = start + len(text)
            if any(start - beside.within <= term <= end + beside.within for term in terms_at):
                return start
    return None


def _density(words: int, reference_words: int) -> float:
    """What evidence is divided by: sqrt(words / reference words), or a brief's share of a brief.

    A brief (under ``BRIEF_WORDS``) counts as ``MIN_WORDS`` long at the least.
    """
    if words < BRIEF_WORDS:
        return max(words, MIN_WORDS) / BRIEF_WORDS
    return math.sqrt(max(words, reference_words) / reference_words)


def lead_paragraphs(title: str, text: str, lead_chars: int) -> int:
    """The last paragraph of the title and lead (paragraph 0 is the title).

    The lead runs ``lead_chars`` from where the story starts: after a scrape's menus.
    """
    return 1 + text.count("\n", 0, story_start(title, text) + lead_chars)


def _applies(measured: TopicScores, topic: str, threshold: float, lead: int) -> bool:
    """Whether a topic is substantial: enough evidence, spread over the article or headlined.

    A topic is the article's subject when its terms are in the title or lead, or
    gets real space when evidence comes from more than one paragraph; one dense
    paragraph deep in the text is a passing remark. A topic the title names needs
    less evidence in the body (``TITLE_DISCOUNT``). A brief's headline cue shrinks
    with its length, as its scores grow.
    """
    score = measured.scores[topic]
    paragraphs = measured.paragraphs[topic]
    short = min(measured.density, 1.0)
    headline = sum(weight for where, weight in paragraphs.items() if where <= lead)
    spread = sum(1 for weight in paragraphs.values() if weight >= PARAGRAPH_EVIDENCE)
    # A brief needs less headline evidence, but one weak word scaled up is no subject.
    substantial = headline >= max(LEAD_CUE * short, BRIEF_CUE) or spread >= SPREAD
    if paragraphs.get(0, 0.0) >= TITLE_CUE and score >= TITLE_DISCOUNT * threshold:
        return True
    return score >= threshold and substantial


def _strongest(evidence: list[tuple[float, str]]) -> tuple[str, ...]:
    ranked = sorted(evidence, key=lambda item: -item[0])
    return tuple(dict.fromkeys(text for _, text in ranked))[:MAX_EVIDENCE]
