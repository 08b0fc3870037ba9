"""Tagging: catalog entities and taxonomy topics for an article, with evidence and a version."""

from __future__ import annotations

import hashlib

from transforms.candidates import find_candidate_names
from transforms.catalog import CATALOG_DIR
from transforms.discover import discover_entities
from transforms.discover_cues import ROLE_CUES
from transforms.entities import PASSING_MENTIONS, early_end, match_entities
from transforms.records import Article, EntityMention, TaggedArticle
from transforms.topics import score_topics

# Bump when the matching or scoring code changes what it produces.
_ALGORITHM = "ac-15"


def _catalog_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


# Editing the catalog or taxonomy changes the version, so `newsflow retag` knows what is stale.
TAGGER_VERSION = f"{_ALGORITHM}+{_catalog_fingerprint()}"


def tag_article(article: Article) -> TaggedArticle:
    """Find catalog entities, taxonomy topics and candidate names in an article."""
    # A title derived from the first sentence repeats the text: counting it twice would
    # double its mentions and give the first sentence the title's weight.
    title = "" if article.title_derived else (article.title or "")
    entities, spans = match_entities(title, article.text)
    late_from = early_end(title, article.text)
    discovered = tuple(
        mention
        for mention in discover_entities(title, article.text, spans)
        if mention.mentions > PASSING_MENTIONS
        or _first_offset(mention) <= late_from
        or mention.cue in ROLE_CUES
    )
    entities = (*_without_bare_families(entities, discovered), *discovered)
    return TaggedArticle(
        article=article,
        topics=score_topics(title, article.text, entities),
        entities=entities,
        tagger_version=TAGGER_VERSION,
        candidates=find_candidate_names(title, article.text, spans),
    )


def _without_bare_families(
    catalog: tuple[EntityMention, ...], discovered: tuple[EntityMention, ...]
) -> tuple[EntityMention, ...]:
    """Catalog products, less a family named only as the stem of its new versions.

    "Mistral Small 4" names the new version, not the family entry "Mistral Small"
    (the version links to it through ``family``).
    """
    as_stem: dict[str, int] = {}
    for mention in discovered:
        if mention.family:
            as_stem[mention.family] = as_stem.get(mention.family, 0) + mention.mentions
    return tuple(m for m in catalog if m.mentions > as_stem.get(m.entity_id, 0))


def _first_offset(mention: EntityMention) -> float:
    """Where a mention first occurs in the body (a title mention counts as the start)."""
    where = mention.evidence[0].rsplit("@", 1)[1]
    return 0.0 if where == "title" else float(where)
