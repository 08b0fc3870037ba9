"""Bounded fuzzing: no page or URL makes extraction or canonicalisation raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.extract import extract_text
from transforms.normalise import canonical_url, resolve_canonical

_TAGS = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "<html>", "<body>", "<a href='x'>", "<!--", "<?xml ?>"]
)
_PAGES = st.lists(st.one_of(st.text(max_size=40), _TAGS), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(_PAGES)
def test_extract_text_returns_text_or_none_for_any_input(html: str) -> None:
    result = extract_text(html, None)
    assert result is None or (isinstance(result, str) and result.strip() == result)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "seed://", ""]),
    st.text(max_size=60),
    st.text(max_size=30),
)
def test_canonical_url_never_raises(scheme: str, rest: str, claimed: str) -> None:
    url = scheme + rest
    assert canonical_url(canonical_url(url)) == canonical_url(url) or not url.startswith("http")
    assert isinstance(resolve_canonical(url, claimed), str)


def test_canonical_url_is_stable_when_the_port_is_malformed() -> None:
    for url in ("http://::/\x1b", "http://example.com:bad/a b", "http://[::1]:x/page"):
        once = canonical_url(url)
        assert canonical_url(once) == once, url
