"""Prefect events newsflow emits: names, resources and payloads that automations match on.

Every event's resource id starts with ``newsflow.``; the README documents each one.
The builders are plain functions so tests and the README can pin the shapes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from warehouse.load import LoadCounts
from warehouse.reports import PolledFeed, StaleTags, WrittenArticle

FEED_POLLED = "newsflow.feed.polled"
BATCH_LOADED = "newsflow.batch.loaded"
ARTICLE_INGESTED = "newsflow.article.ingested"
WAREHOUSE_PUBLISHED = "newsflow.warehouse.published"
CATALOG_CHANGED = "newsflow.catalog.changed"
REPORT_WRITTEN = "newsflow.report.written"
# Bounds of every string and list in an event. Prefect's own are 1.5 MB serialised and 100
# related resources; newsflow's payloads nest two levels at most, so an event stays under
# about 200 KB (an article's: 50 related resources and 50 entities of 1,000 characters).
MAX_EVENT_CHARS = 1_000
MAX_EVENT_ITEMS = 50


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One event, ready for ``prefect.events.emit_event(**spec.as_kwargs())``."""

    event: str
    resource: dict[str, str]
    payload: dict[str, Any]
    related: list[dict[str, str]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``emit_event``, every field bounded (see ``bounded``)."""
        return {
            "event": self.event,
            "resource": bounded(self.resource),
            "payload": bounded(self.payload),
            "related": [bounded(r) for r in self.related[:MAX_EVENT_ITEMS]],
        }


def bounded(value: Any) -> Any:
    """``value`` with every string cut to MAX_EVENT_CHARS and every list or mapping to
    MAX_EVENT_ITEMS entries, recursively.

    Prefect refuses an event over 1.5 MB by raising ``EventTooLarge`` in the run, and
    over 100 related resources with a validation error: a 750k-character title once
    failed a run after its load and publish. Bounded here, an event cannot, whatever
    the fields hold.
    """
    if isinstance(value, str):
        return value if len(value) <= MAX_EVENT_CHARS else value[: MAX_EVENT_CHARS - 1] + "…"
    if isinstance(value, dict):
        return {bounded(k): bounded(v) for k, v in list(value.items())[:MAX_EVENT_ITEMS]}
    if isinstance(value, list | tuple):
        return [bounded(item) for item in value[:MAX_EVENT_ITEMS]]
    return value


def source_resource(source: str) -> dict[str, str]:
    """The resource that stands for one source (a feed from sources.yaml, or ``seeds``)."""
    return {"prefect.resource.id": f"newsflow.source.{source}", "prefect.resource.name": source}


def run_resource(run_id: str, flow: str) -> dict[str, str]:
    """The resource that stands for one pipeline run (``runs.run_id``)."""
    return {"prefect.resource.id": f"newsflow.run.{run_id}", "prefect.resource.name": flow}


def feed_polled_event(poll: PolledFeed, *, run_id: str) -> EventSpec:
    """``newsflow.feed.polled``: one per polled feed, with its status and new-item count."""
    return EventSpec(
        event=FEED_POLLED,
        resource=source_resource(poll.source),
        payload={
            "run_id": run_id,
            "status": poll.status,
            "items_new": poll.items_new,
            "items_seen": poll.items_seen,
            "error_code": poll.error_code,
            "duration_ms": round(poll.duration_ms, 1),
        },
    )


def batch_loaded_event(
    *, run_id: str, flow: str, batch: str, counts: LoadCounts, topics: Iterable[str]
) -> EventSpec:
    """``newsflow.batch.loaded``: one per committed batch, with its counts by topic.

    Args:
        run_id: the run that loaded it.
        flow: the flow's name (ingest, poll, backfill, ...).
        batch: the batch's id (its spool file's name).
        counts: what the load did.
        topics: every topic of every article in the batch (one entry per article and topic).
    """
    return EventSpec(
        event=BATCH_LOADED,
        resource=run_resource(run_id, flow),
        payload={
            "batch": batch,
            "new": counts.new,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "failures": counts.failures,
            "topics": dict(sorted(Counter(topics).items())),
        },
    )


def article_ingested_event(article: WrittenArticle, *, run_id: str) -> EventSpec:
    """``newsflow.article.ingested``: one per new or changed article.

    Topics and entities are related resources (roles ``topic`` and ``entity``),
    so an automation can match "regulation articles that mention the EU AI Act";
    they are in the payload too, for notifications.
    """
    related = [{**source_resource(article.source), "prefect.resource.role": "source"}]
    related += [
        {
            "prefect.resource.id": f"newsflow.topic.{topic}",
            "prefect.resource.name": topic,
            "prefect.resource.role": "topic",
        }
        for topic in article.topics
    ]
    related += [
        {
            "prefect.resource.id": f"newsflow.entity.{entity.entity_id}",
            "prefect.resource.name": entity.name,
            "prefect.resource.role": "entity",
        }
        for entity in article.entities
    ]
    return EventSpec(
        event=ARTICLE_INGESTED,
        resource={
            "prefect.resource.id": f"newsflow.article.{article.article_id}",
            "prefect.resource.name": article.title or article.url,
        },
        related=related,
        payload={
            "run_id": run_id,
            "status": "new" if article.is_new else "updated",
            "url": article.url,
            "title": article.title,
            "source": article.source,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "topics": list(article.topics),
            "entities": [entity.name for entity in article.entities],
        },
    )


def warehouse_published_event(
    *,
    db_path: str,
    run_id: str,
    flow: str,
    counts: LoadCounts,
    snapshot_bytes: int | None = None,
    schema_version: int | None = None,
) -> EventSpec:
    """``newsflow.warehouse.published``: a run's writes are in the analysts' snapshot."""
    return EventSpec(
        event=WAREHOUSE_PUBLISHED,
        resource={"prefect.resource.id": "newsflow.warehouse", "prefect.resource.name": db_path},
        related=[{**run_resource(run_id, flow), "prefect.resource.role": "run"}],
        payload={
            "db_path": db_path,
            "run_id": run_id,
            "flow": flow,
            "new": counts.new,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "failures": counts.failures,
            "snapshot_bytes": snapshot_bytes,
            "schema_version": schema_version,
        },
    )


def catalog_changed_event(*, tagger_version: str, stale: StaleTags) -> EventSpec:
    """``newsflow.catalog.changed``: stored tags are older than the running catalog.

    ``start`` and ``end`` span the stale articles' publication days, so the
    ``backfill`` deployment's trigger can reprocess exactly that window.
    """
    return EventSpec(
        event=CATALOG_CHANGED,
        resource={"prefect.resource.id": "newsflow.catalog", "prefect.resource.name": "catalog"},
        payload={
            "tagger_version": tagger_version,
            "stale_articles": stale.articles,
            "start": stale.oldest.isoformat() if stale.oldest else None,
            "end": stale.newest.isoformat() if stale.newest else None,
        },
    )


def report_written_event(
    *,
    path: str,
    db_path: str,
    size: int,
    since: str | None,
    until: str | None,
    articles: int,
    charts: int,
) -> EventSpec:
    """``newsflow.report.written``: a briefing was written, and where (``path``)."""
    return EventSpec(
        event=REPORT_WRITTEN,
        resource={"prefect.resource.id": "newsflow.report", "prefect.resource.name": path},
        payload={
            "path": path,
            "db_path": db_path,
            "bytes": size,
            "since": since,
            "until": until,
            "articles": articles,
            "charts": charts,
        },
    )
