"""Small builders of tagged articles and failures for warehouse tests (no transforms involved)."""

from __future__ import annotations

from datetime import datetime

from connectors import Failure
from transforms import TaggedArticle
from transforms.records import Article, EntityMention, TopicTag

FETCHED = datetime(2026, 1, 1, 12)
LABS = (
    EntityMention("openai", "OpenAI", "ai_lab", "Q21708200", 2, ("OpenAI@0", "OpenAI@40")),
    EntityMention("eu-ai-act", "EU AI Act", "law", "Q108456694", 1, ("EU AI Act@12",)),
)


def tagged_article(
    key: str,
    *,
    published: datetime | None = datetime(2024, 1, 1),
    topics: tuple[str, ...] = ("regulation",),
    entities: tuple[EntityMention, ...] = LABS,
    text: str = "OpenAI and the EU AI Act.",
) -> TaggedArticle:
    """A tagged article keyed ``key`` whose fields are all plausible."""
    article = Article(
        article_id=key,
        url=f"https://example.com/{key}",
        canonical_url=f"https://example.com/{key}",
        source="example",
        origin="feed",
        title=f"Title {key}",
        title_derived=False,
        author=None,
        published_at=published,
        language="en",
        text=text,
        word_count=len(text.split()),
        content_hash=f"hash-{key}-{text}",
        fetched_at=FETCHED,
        extractor_version="x/1",
    )
    return TaggedArticle(
        article=article,
        topics=tuple(TopicTag(topic, 3.0, ("term@1",)) for topic in topics),
        entities=entities,
        tagger_version="t/1",
    )


def failure(where: str, code: str = "http_status") -> Failure:
    """A fetch failure at ``where``."""
    return Failure("fetch", "example", where, code, f"{where}: HTTP 500")
