"""Records that transforms produce: articles and their tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """One extracted, normalised article, keyed by its canonical URL."""

    article_id: str
    url: str
    canonical_url: str
    source: str
    origin: str
    title: str | None
    title_derived: bool
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str
    word_count: int
    content_hash: str
    fetched_at: datetime
    extractor_version: str
    authors: tuple[str, ...] = ()  # every author the page names; author joins them with "; "
    site_name: str | None = None
    lead_image_url: str | None = None
    page_canonical_url: str | None = None  # the page's rel=canonical / og:url, as given
    sketch: tuple[int, ...] = ()  # MinHash signature of the text, for story clustering
    published_precision: str | None = None  # "year" or "month" when the seed gave only that


@dataclass(frozen=True, slots=True)
class TopicTag:
    """A topic that an article substantially discusses, with why we think so."""

    topic: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A catalog entity found in an article: how often and where."""

    entity_id: str
    name: str
    type: str
    wikidata_id: str | None
    mentions: int
    evidence: tuple[str, ...]  # "matched text@offset"
    score: float = 0.0  # salience: mentions weighted by where they are (title, lead, body)
    origin: str = "catalog"  # or "discovered": found by context rules, not in the catalog
    cue: str | None = None  # discovered: the word that typed it ("CEO", "Inc", "version")
    family: str | None = None  # discovered model version: the catalog id of its family

    @property
    def discovered_aliases(self) -> tuple[str, ...]:
        """The ids a discovery of this entity's name or matched texts has, to link it here."""
        names = (self.name, *(item.rsplit("@", 1)[0] for item in self.evidence))
        return tuple(discovered_id(name) for name in names)


@dataclass(frozen=True, slots=True)
class CandidateName:
    """A capitalised name the catalog does not know yet, and how often the article uses it."""

    name: str
    mentions: int


@dataclass(frozen=True, slots=True)
class TaggedArticle:
    """An article with its tags: the unit the warehouse loads."""

    article: Article
    topics: tuple[TopicTag, ...]
    entities: tuple[EntityMention, ...]
    tagger_version: str
    candidates: tuple[CandidateName, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredSketch:
    """A stored article as story assignment sees it: its sketch, story and first sighting."""

    article_id: str
    sketch: tuple[int, ...]  # shingle count, then hashes (see transforms.stories)
    story_id: str | None
    first_seen_at: datetime


def discovered_id(name: str) -> str:
    """A stable id for a discovered name: the same name in any article is one entity."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"discovered:{slug}"
