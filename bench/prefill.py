"""Pre-fill a warehouse with N articles through the real load path, for the scale case."""

from __future__ import annotations

import dataclasses
import time

from bench.corpus import Page
from connectors.clock import utcnow
from connectors.records import Failure, RawDocument
from transforms import TaggedArticle, assign_stories, tag_article
from transforms.extract import extract_article
from transforms.normalise import article_id_for
from warehouse import Warehouse, load_batch, start_run

PREFILL_BATCH = 1000
TEMPLATE_PAGES = 100


def make_templates(pages: list[Page], count: int = TEMPLATE_PAGES) -> list[TaggedArticle]:
    """Extract and tag a few corpus pages once; pre-filled articles are copies of them."""
    now = utcnow()
    templates: list[TaggedArticle] = []
    for page in pages:
        document = RawDocument(
            url=f"https://prefill.invalid/{page.page_id}",
            source="prefill",
            origin="feed",
            fetched_at=now,
            html=page.body.decode("utf-8", errors="replace"),
        )
        article = extract_article(document)
        if isinstance(article, Failure):
            continue
        templates.append(tag_article(article))
        if len(templates) == count:
            break
    return templates


def prefill_warehouse(warehouse: Warehouse, templates: list[TaggedArticle], articles: int) -> float:
    """Load ``articles`` distinct articles (unique URLs) into ``warehouse`` with ``load_batch``.

    Returns:
        the seconds the load took.
    """
    start = time.perf_counter()
    with warehouse.writing() as con:
        run_id = f"prefill-{articles}"
        start_run(con, run_id=run_id, flow="prefill", now=utcnow(), locks=warehouse.run_locks)
        for first in range(0, articles, PREFILL_BATCH):
            batch = [
                _copy(templates[index % len(templates)], index)
                for index in range(first, min(first + PREFILL_BATCH, articles))
            ]
            load_batch(
                con,
                assign_stories=assign_stories,
                run_id=run_id,
                tagged=batch,
                failures=[],
                now=utcnow(),
            )
        con.execute("CHECKPOINT")
    return time.perf_counter() - start


def _copy(template: TaggedArticle, index: int) -> TaggedArticle:
    url = f"https://prefill.invalid/article/{index}"
    article = dataclasses.replace(
        template.article,
        article_id=article_id_for(url),
        url=url,
        canonical_url=url,
        content_hash=f"{template.article.content_hash[:48]}{index:016x}",
    )
    return dataclasses.replace(template, article=article)
