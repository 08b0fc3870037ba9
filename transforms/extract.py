"""Extraction: raw documents become articles with clean text and metadata."""

from __future__ import annotations

import re

import trafilatura
from lxml.html import HtmlElement

from connectors.records import Failure, RawDocument
from connectors.settings import MAX_AUTHOR_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS
from transforms.charset import decode_html
from transforms.html import parse_html
from transforms.metadata import PageMetadata, extract_metadata
from transforms.normalise import (
    article_id_for,
    canonical_url,
    content_hash,
    derive_title,
    normalise_text,
    resolve_canonical,
)
from transforms.records import Article
from transforms.stories import sketch_text

# Bump the suffix whenever extract_text's logic changes: `newsflow reprocess` re-runs older ones.
EXTRACTOR_VERSION = f"newsflow-3/trafilatura-{trafilatura.__version__}"

# trafilatura's fast pass (no fallback extractors) is ~40% quicker and agrees with the full
# cascade on long pages; below this many characters the full cascade is run (measured on the
# developer corpus: the two differ almost only on pages whose fast output is this short).
FULL_CASCADE_BELOW_CHARS = 1000
# A page paragraph counts as the anchor (where trafilatura's text starts) from this length.
ANCHOR_MIN_CHARS = 40
# Lead paragraphs are looked for inside the anchor's ancestor this many levels up (the article
# container on common layouts) and outside page furniture; shorter paragraphs are mostly
# bylines, datelines and kickers. Chosen by measurement on the developer corpus: 2 levels
# recover less, 4-12 levels score alike.
LEAD_CONTAINER_LEVELS = 4
LEAD_MIN_WORDS = 10
_OUTSIDE_ARTICLE = frozenset({"nav", "aside", "header", "footer", "figure", "figcaption", "form"})
# trafilatura's last resort returns whatever text a page has ("Home", a cookie notice); an
# article needs at least a sentence, so shorter results are failures, not articles.
MIN_ARTICLE_WORDS = 8
_SPACE = re.compile(r"\s+")


def extract_text(html: str, url: str | None = None) -> str | None:
    """Return the main text of a page, or ``None`` when there is none.

    This is the pipeline's one extractor for fetched pages and HTML seeds;
    its signature lets ``shared/tools/extraction_score.py`` score it directly.
    """
    page = parse_html(html)
    if page is None or page.truncated:
        return None
    return extract_text_from_tree(page.tree, url)


def extract_text_from_tree(tree: HtmlElement, url: str | None = None) -> str | None:
    """The main text of a parsed page: trafilatura's, with the lead paragraphs it dropped.

    trafilatura's most frequent miss is the start of an article: teasers and
    stand-firsts whose markup differs from the body's. Paragraphs that come
    before the first paragraph of its text, inside the same article container
    and outside page furniture, are put back in front.
    """
    text = _trafilatura_text(tree, url, fast=True)
    if text is None or len(text) < FULL_CASCADE_BELOW_CHARS:
        text = _trafilatura_text(tree, url, fast=False) or text
    if text is None:
        return None
    return normalise_text(_with_recovered_lead(tree, text)) or None


def _trafilatura_text(tree: HtmlElement, url: str | None, *, fast: bool) -> str | None:
    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False, with_metadata=False
    )
    if document is None or isinstance(document, dict):
        return None
    text: str | None = document.text
    return text or None


def _with_recovered_lead(tree: HtmlElement, text: str) -> str:
    flat = _SPACE.sub(" ", text)
    before: list[tuple[HtmlElement, str]] = []
    anchor: HtmlElement | None = None
    for paragraph in tree.iter("p"):
        words = " ".join(paragraph.text_content().split())
        if len(words) >= ANCHOR_MIN_CHARS and words in flat:
            anchor = paragraph
            break
        before.append((paragraph, words))
    if anchor is None or not before:
        return text
    container = anchor
    for _ in range(LEAD_CONTAINER_LEVELS):
        parent = container.getparent()
        if parent is None:
            break
        container = parent
    lead = [
        words
        for paragraph, words in before
        if len(words.split()) >= LEAD_MIN_WORDS
        and words not in flat
        and _inside(paragraph, container)
    ]
    return "\n".join([*lead, text]) if lead else text


def _inside(paragraph: HtmlElement, container: HtmlElement) -> bool:
    """True when the paragraph is within the container and not in navigation, asides or forms."""
    ancestors = list(paragraph.iterancestors())
    return container in ancestors and not any(a.tag in _OUTSIDE_ARTICLE for a in ancestors)


def extract_article(document: RawDocument) -> Article | Failure:
    """Turn one raw document into an article, or a failure that says why not.

    Dates: a seed's own date wins over the page's; for fetched pages the
    page's date (htmldate) wins and the feed entry's date is the fallback.
    """
    if document.text is not None:
        return _article(document, normalise_text(document.text), PageMetadata(), None)
    if document.html is not None:
        html = document.html
    else:  # a fetched page may come as bytes only
        html = decode_html(document.body or b"", document.content_type)
    page = parse_html(html)
    where = document.location or document.url
    if page is not None and page.truncated:
        return _failure(
            document,
            "extraction_empty",
            f"{where}: page cut short by the HTML parser's size or depth limit",
        )
    base_url = _http_url(document.final_url or document.url)
    text = extract_text_from_tree(page.tree, base_url) if page is not None else None
    if page is None or not text or len(text.split()) < MIN_ARTICLE_WORDS:
        return _failure(document, "extraction_empty", f"{where}: no article text found")
    meta = extract_metadata(page.tree, base_url, find_byline=not document.author)
    return _article(document, text, meta, base_url)


def _article(
    document: RawDocument, text: str, meta: PageMetadata, base_url: str | None
) -> Article | Failure:
    where = document.location or document.url
    if not text:
        return _failure(document, "extraction_empty", f"{where}: empty text")
    if len(text) > MAX_TEXT_CHARS:
        return _failure(
            document,
            "too_large",
            f"{where}: article text is {len(text):,} characters, the limit is {MAX_TEXT_CHARS:,}",
        )
    title, title_derived = document.title or meta.title, False
    if not title:
        title, title_derived = derive_title(text), True
    title = _cut(title, MAX_TITLE_CHARS)
    authors = _bounded_authors((document.author,) if document.author else meta.authors)
    precision = None
    if document.origin == "seed":
        published = document.published_at or meta.published_at
        precision = document.published_precision if document.published_at else None
    else:
        published = meta.published_at or document.published_at
    canonical = _canonical(document.url, base_url, meta.canonical_url)
    return Article(
        article_id=article_id_for(canonical),
        url=document.url,
        canonical_url=canonical,
        source=document.source,
        origin=document.origin,
        title=title,
        title_derived=title_derived,
        author="; ".join(authors) or None,
        published_at=published,
        language=meta.language,
        text=text,
        word_count=len(text.split()),
        content_hash=content_hash(text),
        fetched_at=document.fetched_at,
        extractor_version=EXTRACTOR_VERSION,
        authors=authors,
        site_name=meta.site_name,
        lead_image_url=meta.lead_image_url,
        page_canonical_url=meta.canonical_url,
        sketch=sketch_text(text),
        published_precision=precision,
    )


def _cut(text: str, limit: int) -> str:
    """A publisher's over-long title or byline, cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded_authors(authors: tuple[str, ...]) -> tuple[str, ...]:
    """The authors whose "; "-joined list fits MAX_AUTHOR_CHARS (the first one cut to fit)."""
    kept: list[str] = []
    length = 0
    for name in authors:
        length += len(name) + (2 if kept else 0)
        if length > MAX_AUTHOR_CHARS:
            if not kept:
                kept.append(_cut(name, MAX_AUTHOR_CHARS))
            break
        kept.append(name)
    return tuple(kept)


def _failure(document: RawDocument, code: str, message: str) -> Failure:
    return Failure(
        stage="extract",
        source=document.source,
        url_or_path=document.location or document.url,
        error_code=code,
        message=message,
    )


def _canonical(url: str, base_url: str | None, page_canonical: str | None) -> str:
    """The article's identity URL.

    A fetched page may narrow itself to its same-site canonical link; a saved
    page in a seed folder has no URL of its own, so an absolute canonical link
    it carries names it (then the seed and the feed copy are one article).
    """
    if base_url is not None:
        return resolve_canonical(base_url, page_canonical)
    if page_canonical and _http_url(page_canonical.strip()):
        return canonical_url(page_canonical)
    return canonical_url(url)


def _http_url(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) else None
