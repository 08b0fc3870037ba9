"""Secrets out of URLs: user info and credential parameters never outlive the fetch."""

from __future__ import annotations

from datetime import datetime

import pytest

from connectors import Failure, FeedPoll, PageRequest, RawDocument, Source, SourcesError
from connectors.addresses import split_user_info
from connectors.errors import FetchError
from connectors.records import FeedItem
from connectors.redact import is_secret_parameter, redact_text, redact_url
from connectors.sources import parse_sources


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "http://user:pass@host.example/feed?token=abc",
            "http://REDACTED@host.example/feed?token=REDACTED",
            id="user-info-and-token",
        ),
        pytest.param(
            "https://u@h.example:8443/x", "https://REDACTED@h.example:8443/x", id="user-only"
        ),
        pytest.param(
            "https://u:p@ss@h.example/x", "https://REDACTED@h.example/x", id="at-in-password"
        ),
        pytest.param(
            "https://h.example/a?api_key=1&id=7&access_token=2&Signature=3&X-Amz-Credential=4",
            "https://h.example/a?api_key=REDACTED&id=7&access_token=REDACTED"
            "&Signature=REDACTED&X-Amz-Credential=REDACTED",
            id="several-parameters",
        ),
        pytest.param(
            "https://h.example/a?key=k&sig=s&password=p&secret=x&auth=y&client_secret=z",
            "https://h.example/a?key=REDACTED&sig=REDACTED&password=REDACTED"
            "&secret=REDACTED&auth=REDACTED&client_secret=REDACTED",
            id="short-names",
        ),
        pytest.param(
            "https://h.example/cb#access_token=t&state=1",
            "https://h.example/cb#access_token=REDACTED&state=1",
            id="fragment",
        ),
        pytest.param(
            "https://h.example/a?API%5FKEY=1",
            "https://h.example/a?API%5FKEY=REDACTED",
            id="encoded",
        ),
        pytest.param(
            "https://h.example/?author=jo&keyword=ai&id=3&page=2&token",
            "https://h.example/?author=jo&keyword=ai&id=3&page=2&token",
            id="nothing-secret",
        ),
        pytest.param("https://[::1/?token=t", "https://[::1/?token=REDACTED", id="unparsable"),
        pytest.param("seed://notes.txt", "seed://notes.txt", id="seed"),
    ],
)
def test_redact_url_replaces_user_info_and_credential_values(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(expected) == expected  # a second pass changes nothing


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("token", True),
        ("refresh-token", True),
        ("apiKey", True),
        ("x-api-key", True),
        ("sessionid", True),
        ("author", False),
        ("keyword", False),
        ("page", False),
        ("utm_source", False),
    ],
)
def test_secret_parameters_are_known_by_their_name(name: str, secret: bool) -> None:
    assert is_secret_parameter(name) is secret


def test_redact_text_redacts_every_url_in_a_message() -> None:
    message = (
        "redirect from http://a:b@one.example/x?token=t1 to 'https://two.example/?sig=s2': refused"
    )
    assert redact_text(message) == (
        "redirect from http://REDACTED@one.example/x?token=REDACTED to "
        "'https://two.example/?sig=REDACTED': refused"
    )


def test_failures_and_documents_keep_no_secret_whoever_builds_them() -> None:
    failure = Failure(
        "fetch",
        "lab",
        "https://h.example/a?token=t1",
        "http_status",
        "https://h.example/a?token=t1: 404",
    )
    assert "t1" not in failure.url_or_path + failure.message
    document = RawDocument(
        url="https://h.example/a?api_key=k1",
        source="lab",
        origin="feed",
        fetched_at=datetime(2024, 1, 1),
        html="<p>x</p>",
        location="https://h.example/a?api_key=k1",
        final_url="https://u:p@h.example/b?sig=s1",
    )
    kept = f"{document.url} {document.location} {document.final_url}"
    assert "k1" not in kept and "s1" not in kept and "u:p" not in kept


def test_fetch_and_sources_errors_never_quote_a_secret() -> None:
    error = FetchError(
        "http_status", "https://h.example/a?token=t1", "404 from https://u:p@h/?key=k"
    )
    assert str(error) == (
        "https://h.example/a?token=REDACTED: 404 from https://REDACTED@h/?key=REDACTED"
    )
    with pytest.raises(SourcesError) as caught:
        parse_sources("sources:\n  - {name: A, url: 'ftp://alice:s3cret@h.example/?token=t2'}\n")
    assert caught.value.field == "url"
    assert "s3cret" not in str(caught.value) and "t2" not in str(caught.value)


def test_a_source_may_carry_a_login_and_keeps_it_for_the_fetch() -> None:
    [source] = parse_sources(
        "sources:\n  - {name: A, url: 'https://alice:pw@h.example/f?token=t'}\n"
    )
    assert source.url == "https://alice:pw@h.example/f?token=t"
    assert split_user_info(source.url) == ("https://h.example/f?token=t", "Basic YWxpY2U6cHc=")
    assert split_user_info("https://h.example/f") == ("https://h.example/f", None)


def test_records_that_fetch_with_a_secret_keep_it_only_for_the_fetch() -> None:
    secret = "https://u:p@h.example/a?token=t1"
    source = Source("lab", secret)
    item = FeedItem("g", secret, None, None, None, None)
    request = PageRequest("lab", secret)
    assert (source.url, item.url, request.url) == (secret, secret, secret)
    kept = [source.redacted_url, item.redacted_url, request.redacted_url]
    assert kept == ["https://REDACTED@h.example/a?token=REDACTED"] * 3
    poll = FeedPoll("lab", secret, secret, datetime(2024, 1, 1), 1.0, conditional=False)
    assert (poll.url, poll.final_url) == (secret, kept[0])  # the poll is done: its end is kept
    assert FeedItem("g", None, None, None, None, None).redacted_url is None
