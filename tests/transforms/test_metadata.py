"""Page metadata: the same fields as trafilatura's full extract_metadata, on real pages."""

from __future__ import annotations

import gzip

import trafilatura

from tests.conftest import shared_path
from transforms.html import parse_html
from transforms.metadata import extract_metadata

PAGES = 80


def test_metadata_matches_trafilatura_extract_metadata_on_corpus_pages() -> None:
    pages = sorted(shared_path("corpora", "extraction", "trafilatura-eval", "html").glob("*.gz"))
    compared = 0
    for number, path in enumerate(pages[:PAGES]):
        page = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        if page is None:
            continue
        url = f"https://news.example.com/story/{number}"
        want = trafilatura.extract_metadata(page.tree, default_url=url, extensive=False)
        got = extract_metadata(page.tree, url)
        assert got.title == (want.title or None), path.name
        assert "; ".join(got.authors) == (want.author or ""), path.name
        published = got.published_at.date().isoformat() if got.published_at else None
        assert published == (want.date or None), path.name
        assert got.site_name == (want.sitename or None), path.name
        assert got.lead_image_url == (want.image or None), path.name
        compared += 1
    assert compared >= PAGES // 2


def test_a_page_with_meta_tags_and_json_ld_yields_every_field() -> None:
    html = """<html lang="en-GB"><head><title>Chips rally - Example News</title>
    <meta property="og:site_name" content="Example News">
    <meta property="og:image" content="https://news.example.com/lead.jpg">
    <link rel="canonical" href="https://news.example.com/chips">
    <meta name="author" content="Ada Lovelace; Alan Turing">
    <script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "NewsArticle", "headline": "Chips rally", "datePublished": "2024-03-05"}</script>
    </head><body><article><h1>Chips rally</h1><p>Text.</p></article></body></html>"""
    page = parse_html(html)
    assert page is not None
    meta = extract_metadata(page.tree, "https://news.example.com/chips?ref=rss")
    assert meta.title == "Chips rally"
    assert meta.authors == ("Ada Lovelace", "Alan Turing")
    assert meta.published_at is not None and meta.published_at.date().isoformat() == "2024-03-05"
    assert meta.language == "en"
    assert meta.site_name == "Example News"
    assert meta.canonical_url == "https://news.example.com/chips"
    assert meta.lead_image_url == "https://news.example.com/lead.jpg"


def test_the_body_byline_is_searched_only_when_asked() -> None:
    html = """<html><head><title>Chips rally</title></head><body><article>
    <h1>Chips rally</h1><p class="author">Grace Hopper</p><p>Text of the story.</p>
    </article></body></html>"""
    page = parse_html(html)
    assert page is not None
    assert extract_metadata(page.tree).authors == ("Grace Hopper",)
    assert extract_metadata(page.tree, find_byline=False).authors == ()


def test_a_page_passed_over_by_the_byline_check_has_no_byline_for_trafilatura_either() -> None:
    from trafilatura.metadata import examine_meta, extract_author

    from transforms.metadata import _may_have_byline

    pages = sorted(shared_path("corpora", "extraction", "trafilatura-eval", "html").glob("*.gz"))
    skipped = 0
    for path in pages:
        page = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        if page is None or examine_meta(page.tree).author or _may_have_byline(page.tree):
            continue
        assert extract_author(page.tree) is None, path.name
        skipped += 1
    assert skipped >= len(pages) // 5  # the check does spare work on real pages
