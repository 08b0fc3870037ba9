"""Canonical URLs: one form per article, whatever tracking, AMP or mobile variant led to it."""

from __future__ import annotations

import pytest

from transforms.normalise import canonical_url, derive_title, resolve_canonical


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "HTTPS://News.Example.COM:443/a/b?utm_source=rss&b=2&a=1#comments",
            "https://news.example.com/a/b?a=1&b=2",
            id="case-port-tracking-order-fragment",
        ),
        pytest.param(
            "https://e.com/a?fbclid=x&gclid=y&mc_cid=z", "https://e.com/a", id="click-ids"
        ),
        pytest.param("http://e.com:8080/a", "http://e.com:8080/a", id="non-default-port"),
        pytest.param("https://m.e.com/story/", "https://e.com/story/", id="mobile-host"),
        pytest.param("https://amp.e.com/story", "https://e.com/story", id="amp-host"),
        pytest.param("https://e.com/story/amp/", "https://e.com/story/", id="amp-path"),
        pytest.param("https://e.com/story.amp.html", "https://e.com/story.html", id="amp-suffix"),
        pytest.param("https://e.com/story?amp=1&id=5", "https://e.com/story?id=5", id="amp-param"),
        pytest.param("https://e.com/story?outputType=amp", "https://e.com/story", id="output-type"),
        pytest.param("seed://notes/a.txt", "seed://notes/a.txt", id="seed-unchanged"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_variants_of_one_page_share_one_canonical_url() -> None:
    variants = [
        "https://www.e.com/tech/story-1",
        "https://www.e.com/tech/story-1?utm_medium=social#top",
        "https://WWW.E.COM:443/tech/story-1/amp",
        "https://www.e.com/tech/story-1?outputType=amp&fbclid=abc",
    ]
    assert len({canonical_url(url) for url in variants}) == 1


def test_same_site_canonical_link_is_honoured_and_resolved() -> None:
    assert (
        resolve_canonical("https://m.e.com/s?id=1&utm_source=x", "/news/s-1")
        == "https://e.com/news/s-1"
    )


def test_canonical_link_to_another_site_is_ignored() -> None:
    assert (
        resolve_canonical("https://e.com/news/s-1", "https://partner.org/s-1")
        == "https://e.com/news/s-1"
    )


def test_derive_title_cuts_long_sentences_on_a_word() -> None:
    title = derive_title("word " * 100)
    assert title.endswith("…") and len(title) <= 161 and "wor…" not in title
