"""Extraction: the main text without boilerplate, metadata, dates and typed failures."""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest
from lxml import html as lxml_html

from connectors import Failure, RawDocument, iter_seed_documents
from connectors.settings import MAX_AUTHOR_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS
from tests.conftest import ROOT, shared_path
from transforms.extract import extract_article, extract_text, extract_text_from_tree
from transforms.html import parse_html
from transforms.metadata import extract_metadata
from transforms.records import Article

NOW = datetime(2026, 1, 2, 3)
PARAGRAPHS = [
    "The European Parliament approved its draft rules for artificial intelligence on Wednesday, "
    "setting up months of negotiations with member states over the final text of the law.",
    "Lawmakers added obligations for foundation models, including disclosure of copyrighted "
    "training data, and banned real-time biometric identification in public spaces.",
    "Companies that break the rules could face fines of up to six percent of global turnover, "
    "a figure that industry groups called disproportionate in a joint statement.",
]
PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<title>EU lawmakers approve AI Act draft | Example News</title>
<meta property="og:title" content="EU lawmakers approve AI Act draft">
<meta property="og:site_name" content="Example News">
<meta property="og:image" content="https://news.example.com/img/lead.jpg">
<meta name="author" content="Jane Doe; John Roe">
<meta property="article:published_time" content="2023-06-14T09:00:00+00:00">
<link rel="canonical" href="https://news.example.com/2023/06/14/ai-act-draft">
</head><body>
<nav><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/world">World</a></nav>
<article><h1>EU lawmakers approve AI Act draft</h1>
{paragraphs}
</article>
<section id="comments" class="comments">
<p>Reader comment: this law will kill innovation in Europe for sure, mark my words.</p>
</section>
<footer><p>Copyright 2023 Example News. All rights reserved.</p></footer>
</body></html>"""


def _page(paragraphs: list[str] = PARAGRAPHS) -> str:
    return PAGE.format(paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs))


def _document(html: str, **changes: object) -> RawDocument:
    fields: dict[str, object] = {
        "url": "https://news.example.com/2023/06/14/ai-act-draft?utm_source=rss#top",
        "source": "example",
        "origin": "feed",
        "fetched_at": NOW,
        "html": html,
    }
    fields.update(changes)
    return RawDocument(**fields)  # type: ignore[arg-type]


def test_extract_text_keeps_the_article_and_drops_navigation_comments_and_footer() -> None:
    text = extract_text(_page(), "https://news.example.com/a")
    assert text is not None
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "Reader comment" not in text
    assert "All rights reserved" not in text
    assert "Home" not in text.split()


def test_extract_text_survives_control_characters() -> None:
    html = _page().replace("<article>", "<article>\x00\x01\x1b")
    text = extract_text(html, None)
    assert text is not None and PARAGRAPHS[0] in text
    assert not any(ord(char) < 9 for char in text)


def test_extract_text_returns_none_for_an_empty_page() -> None:
    assert extract_text("  \n ") is None


def test_extract_article_reads_page_metadata() -> None:
    article = extract_article(_document(_page()))
    assert isinstance(article, Article)
    assert article.title == "EU lawmakers approve AI Act draft"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.author == "Jane Doe; John Roe"
    assert article.published_at == datetime(2023, 6, 14)
    assert article.language == "en"
    assert article.site_name == "Example News"
    assert article.lead_image_url == "https://news.example.com/img/lead.jpg"
    assert article.canonical_url == "https://news.example.com/2023/06/14/ai-act-draft"
    assert article.extractor_version.startswith("newsflow-")
    assert len(article.sketch) > 1


def test_feed_page_date_wins_over_the_feed_entry_date() -> None:
    article = extract_article(_document(_page(), published_at=datetime(2023, 6, 20)))
    assert isinstance(article, Article)
    assert article.published_at == datetime(2023, 6, 14)


def test_feed_entry_date_is_the_fallback_when_the_page_has_none() -> None:
    html = "\n".join(
        line
        for line in _page().splitlines()
        if "2023-06-14" not in line and "canonical" not in line
    )
    article = extract_article(
        _document(html, url="https://news.example.com/ai-act", published_at=datetime(2023, 6, 20))
    )
    assert isinstance(article, Article)
    assert article.published_at == datetime(2023, 6, 20)


def test_seed_date_wins_over_the_page_date() -> None:
    document = _document(
        _page(),
        url="seed://a.html",
        origin="seed",
        source="seeds",
        published_at=datetime(2020, 1, 1),
    )
    article = extract_article(document)
    assert isinstance(article, Article)
    assert article.published_at == datetime(2020, 1, 1)
    # a saved page names itself by its absolute canonical link
    assert article.canonical_url == "https://news.example.com/2023/06/14/ai-act-draft"


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("", id="empty"),
        pytest.param("<html><body><nav><a href='/'>Home</a></nav></body></html>", id="menu-only"),
        pytest.param(
            "<html><body>" + "<div>" * 300 + "<p>" + "deep text. " * 40 + "</p></body></html>",
            id="too-deep-for-lxml",
        ),
    ],
)
def test_pages_without_usable_text_become_extraction_empty_failures(html: str) -> None:
    result = extract_article(_document(html))
    assert isinstance(result, Failure)
    assert (result.stage, result.error_code) == ("extract", "extraction_empty")
    assert "news.example.com" in result.message


def test_a_page_given_only_as_bytes_is_decoded_with_its_charset() -> None:
    html = _page([p.replace("six", "sechs – größer") for p in PARAGRAPHS])
    document = _document(
        None, body=html.encode("cp1252"), content_type="text/html; charset=windows-1252"
    )
    article = extract_article(document)
    assert isinstance(article, Article)
    assert "sechs – größer" in article.text


def test_lead_paragraphs_before_the_text_are_recovered_but_not_navigation() -> None:
    from transforms.extract import _with_recovered_lead

    lead = "A stand-first paragraph that sums up the whole story in one long sentence here."
    nav = "A navigation paragraph with many words that is not part of the article at all."
    tree = lxml_html.fromstring(
        f"<html><body><nav><p>{nav}</p></nav><main><div><article>"
        f"<div class='intro'><p>{lead}</p></div><div class='body'><p>{PARAGRAPHS[0]}</p>"
        f"<p>{PARAGRAPHS[1]}</p></div></article></div></main></body></html>"
    )
    text = "\n".join(PARAGRAPHS[:2])
    assert _with_recovered_lead(tree, text) == f"{lead}\n{text}"


def test_a_publishers_over_long_title_is_cut_to_the_cap() -> None:
    html = _page().replace(
        '<meta property="og:title" content="EU lawmakers approve AI Act draft">',
        f'<meta property="og:title" content="{"Title " * 2000}">',
    )
    article = extract_article(_document(html))
    assert isinstance(article, Article)
    assert article.title is not None and len(article.title) == MAX_TITLE_CHARS
    assert article.title.startswith("Title Title") and article.title.endswith("…")


def test_a_feed_entrys_over_long_title_and_author_are_cut_to_their_caps() -> None:
    article = extract_article(_document(_page(), title="T" * 60_000, author="A" * 50_000))
    assert isinstance(article, Article)
    assert article.title == "T" * (MAX_TITLE_CHARS - 1) + "…"
    assert article.author == "A" * (MAX_AUTHOR_CHARS - 1) + "…"
    assert article.authors == (article.author,)


def test_authors_beyond_the_cap_are_left_out_whole() -> None:
    names = " ; ".join(f"Author Number{i}" for i in range(500))
    html = _page().replace('content="Jane Doe; John Roe"', f'content="{names}"')
    article = extract_article(_document(html))
    assert isinstance(article, Article)
    assert article.author is not None and len(article.author) <= MAX_AUTHOR_CHARS
    assert article.author.split("; ") == list(article.authors)
    assert len(article.authors) > 1 and not article.author.endswith("…")


def test_article_text_over_the_cap_is_a_too_large_failure() -> None:
    text = "OpenAI released a model. " * (MAX_TEXT_CHARS // 25 + 1)
    document = _document(None, text=text, url="seed://long.txt", origin="seed", location="long.txt")
    result = extract_article(document)
    assert isinstance(result, Failure)
    assert (result.error_code, result.url_or_path) == ("too_large", "long.txt")
    assert f"the limit is {MAX_TEXT_CHARS:,}" in result.message


def test_a_seeds_year_precision_reaches_the_article() -> None:
    document = _document(
        None,
        text="OpenAI released a model.",
        url="seed://a.jsonl#1",
        origin="seed",
        published_at=datetime(2024, 1, 1),
        published_precision="year",
    )
    article = extract_article(document)
    assert isinstance(article, Article)
    assert (article.published_at, article.published_precision) == (datetime(2024, 1, 1), "year")


def test_a_text_seed_without_a_title_gets_its_first_sentence_as_title() -> None:
    document = _document(
        None, text="OpenAI released a model. More text.", url="seed://a.txt", origin="seed"
    )
    article = extract_article(document)
    assert isinstance(article, Article)
    assert (article.title, article.title_derived) == ("OpenAI released a model", True)


def test_the_bundled_seed_gets_its_title_from_its_first_sentence() -> None:
    [document] = iter_seed_documents(ROOT / "seeds", now=NOW)
    assert isinstance(document, RawDocument)
    article = extract_article(document)
    assert isinstance(article, Article) and article.title_derived is True
    assert article.title is not None
    assert article.title.startswith("Meta, the company that owns Facebook")


def test_a_given_title_is_not_derived() -> None:
    document = _document(None, text="Body text here.", title="Big news", origin="seed")
    article = extract_article(document)
    assert isinstance(article, Article)
    assert (article.title, article.title_derived) == ("Big news", False)


def test_text_and_metadata_read_one_parsed_tree_and_leave_it_as_parsed() -> None:
    """Each page is parsed once: the text, then the metadata, are read from the same tree.

    trafilatura and htmldate copy what they prune, so the metadata sees the page as parsed.
    """
    pages = sorted(shared_path("corpora", "extraction", "trafilatura-eval", "html").glob("*.gz"))
    for path in pages[:25]:
        page = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        assert page is not None, path.name
        parsed = lxml_html.tostring(page.tree)
        extract_text_from_tree(page.tree, "https://news.example.com/a")
        assert lxml_html.tostring(page.tree) == parsed, path.name
        extract_metadata(page.tree, "https://news.example.com/a")
        assert lxml_html.tostring(page.tree) == parsed, path.name
