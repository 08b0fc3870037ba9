"""Benchmark workloads: N feeds x M items over the corpus pages, served on loopback hosts."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from bench.corpus import Page
from bench.server import LoopbackFarm, Resource, Site

FEED_PATH = "/feed.xml"
FIRST_PUBLISHED = 1_760_000_000  # a fixed epoch second, so feeds are byte-identical on re-poll


@dataclass(frozen=True, slots=True)
class Workload:
    """Feeds being served and the sources file that lists them."""

    name: str
    sources_file: Path
    feed_urls: tuple[str, ...]
    page_urls: tuple[str, ...]
    page_ids: tuple[str, ...]  # the corpus page behind each page URL, in the same order

    @property
    def pages(self) -> int:
        return len(self.page_urls)


def serve_workload(
    farm: LoopbackFarm,
    pages: list[Page],
    *,
    name: str,
    feeds: int,
    items: int,
    directory: Path,
    offset: int = 0,
    feeds_per_host: int = 1,
) -> Workload:
    """Serve ``feeds`` feeds of ``items`` items each, ``feeds_per_host`` feeds on each host.

    Item ``k`` overall shows corpus page ``(offset + k) % len(pages)``: pages
    are cycled when the workload is larger than the corpus, and every item
    has its own URL, so every item is a distinct article to the pipeline. A
    feed's items link to its own host, as real feeds' items do, so a run's
    pages come grouped by host.
    """
    feed_urls: list[str] = []
    page_urls: list[str] = []
    page_ids: list[str] = []
    for first in range(0, feeds, feeds_per_host):
        site = farm.add_site({})
        for feed in range(first, min(first + feeds_per_host, feeds)):
            entries: list[tuple[str, str]] = []
            for item in range(items):
                page = pages[(offset + feed * items + item) % len(pages)]
                path = f"/{name}/{feed}/{item}-{page.page_id}.html"
                site.resources[path] = Resource(page.body, "text/html")
                entries.append((path, page.page_id))
            feed_xml = render_rss(site, name=f"{name}-{feed}", entries=entries)
            feed_path = FEED_PATH if feeds_per_host == 1 else f"/feed-{feed - first}.xml"
            site.resources[feed_path] = Resource(feed_xml, "application/rss+xml")
            feed_urls.append(site.base_url + feed_path)
            page_urls += [site.base_url + path for path, _ in entries]
            page_ids += [page_id for _, page_id in entries]
    sources_file = directory / f"sources-{name}.yaml"
    write_sources(sources_file, name, feed_urls)
    return Workload(name, sources_file, tuple(feed_urls), tuple(page_urls), tuple(page_ids))


def render_rss(site: Site, *, name: str, entries: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed whose items link to ``entries`` (path, page id) on ``site``."""
    items = []
    for index, (path, page_id) in enumerate(entries):
        url = escape(site.base_url + path)
        published = formatdate(FIRST_PUBLISHED - index * 3600, usegmt=True)
        items.append(
            f"<item><title>{escape(name)} item {index} ({page_id})</title><link>{url}</link>"
            f'<guid isPermaLink="true">{url}</guid><pubDate>{published}</pubDate></item>'
        )
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>{escape(site.base_url)}/</link>"
        f"<description>newsflow benchmark feed</description>{body}</channel></rss>\n"
    ).encode()


def write_sources(path: Path, name: str, feed_urls: list[str], *, first: int = 0) -> None:
    """Write a ``sources.yaml`` that lists every feed as an RSS source.

    Args:
        first: the number of the first feed's name, so that files listing consecutive
            shares of one workload name each feed as the whole workload's file does.
    """
    sources = [
        {"name": f"{name}-{index:04d}", "url": url, "kind": "rss"}
        for index, url in enumerate(feed_urls, start=first)
    ]
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
