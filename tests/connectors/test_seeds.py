"""Seed files: every format, and every malformed case as a failure that names file and line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from connectors import Failure, RawDocument, iter_seed_documents
from connectors.seeds import parse_published
from connectors.settings import MAX_AUTHOR_CHARS, MAX_SEED_BYTES, MAX_TEXT_CHARS, MAX_TITLE_CHARS
from tests.conftest import FIXTURES, ROOT, shared_path


def _read(folder: Path) -> tuple[list[RawDocument], list[Failure]]:
    items = list(iter_seed_documents(folder, now=datetime(2026, 1, 1)))
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, Failure)],
    )


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_bundled_seed_is_byte_identical_to_the_users_article() -> None:
    original = shared_path("seeds", "meta-open-source-ai-2023-12-17.txt")
    shipped = ROOT / "seeds" / original.name
    assert shipped.read_bytes() == original.read_bytes()


def test_bundled_seed_reads_date_and_leaves_the_title_to_extraction() -> None:
    documents, failures = _read(ROOT / "seeds")
    assert failures == []
    [doc] = documents
    assert doc.published_at == datetime(2023, 12, 17)
    assert doc.url == "seed://meta-open-source-ai-2023-12-17.txt"
    assert doc.title is None
    assert doc.text is not None and doc.text.startswith("Meta, the company that owns Facebook")


def test_date_line_may_follow_blank_lines_and_end_its_own_line(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "\n\n  date 2024-02-03\nOpenAI released a model. More text.")
    [doc], _ = _read(tmp_path)
    assert doc.published_at == datetime(2024, 2, 3)
    assert doc.text == "OpenAI released a model. More text."


def test_front_matter_sets_title_url_date_source_and_author(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "news/b.md",
        "---\ntitle: Big news\nurl: https://example.com/b\npublished: 2024-03-01T10:00:00+02:00\n"
        "source: example\nauthor: Ada\n---\nBody text here.\n",
    )
    [doc], _ = _read(tmp_path)
    assert (doc.title, doc.url, doc.source, doc.author) == (
        "Big news",
        "https://example.com/b",
        "example",
        "Ada",
    )
    assert doc.published_at == datetime(2024, 3, 1, 8, 0)


def test_markdown_heading_is_the_title_when_front_matter_has_none(tmp_path: Path) -> None:
    _write(tmp_path, "c.md", "# A heading\n\nThe body.\n")
    [doc], _ = _read(tmp_path)
    assert (doc.title, doc.text) == ("A heading", "The body.")


def test_html_seed_keeps_the_pages_bytes_for_extraction(tmp_path: Path) -> None:
    page = '<meta charset="iso-8859-1"><p>Caf\xe9</p>'.encode("latin-1")
    _write(tmp_path, "page.html", page)
    [doc], _ = _read(tmp_path)
    assert (doc.body, doc.html, doc.text, doc.content_type) == (page, None, None, None)
    assert doc.url == "seed://page.html"


def test_jsonl_lines_become_articles_with_line_urls(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "batch.jsonl",
        '{"url": "https://e.com/1", "title": "One", "published": "2024-01-02", "text": "First."}\n'
        "\n"
        '{"url": null, "title": "Two", "published": null, "html": "<p>Second</p>"}\n',
    )
    documents, failures = _read(tmp_path)
    assert failures == []
    assert [d.url for d in documents] == ["https://e.com/1", "seed://batch.jsonl#3"]
    assert documents[0].published_at == datetime(2024, 1, 2)
    assert documents[1].html == "<p>Second</p>" and documents[1].published_at is None


@pytest.mark.parametrize(
    ("name", "content", "code", "where"),
    [
        pytest.param(
            "bad.txt", "date 2023-02-30 Text.", "bad_date", "bad.txt:1", id="impossible-date"
        ),
        pytest.param(
            "bad.txt", "\n\ndate 17/12/2023\nText.", "bad_date", "bad.txt:3", id="date-format"
        ),
        pytest.param(
            "bad.txt", b"ok line\nbad \xff byte\n", "undecodable", "bad.txt:2", id="bytes"
        ),
        pytest.param("bad.txt", "   \n\n", "empty_body", "bad.txt:1", id="empty"),
        pytest.param("bad.txt", "date 2024-01-01\n", "empty_body", "bad.txt", id="date-only"),
        pytest.param(
            "bad.md", "---\ntitle: [x\n---\nBody", "bad_front_matter", "bad.md:", id="yaml"
        ),
        pytest.param(
            "bad.md", "---\ntitle: x\nBody", "bad_front_matter", "bad.md:1", id="unclosed"
        ),
        pytest.param(
            "bad.md", "---\ntitel: x\n---\nBody", "bad_front_matter", "bad.md:2", id="typo"
        ),
        pytest.param(
            "bad.md", "---\npublished: soon\n---\nB", "bad_date", "bad.md:2", id="fm-date"
        ),
        pytest.param("bad.pdf", b"%PDF", "unsupported_seed", "bad.pdf", id="suffix"),
        pytest.param("bad.html", "", "empty_body", "bad.html", id="empty-html"),
        pytest.param("bad.html", "\ufeff \n", "empty_body", "bad.html", id="blank-html"),
    ],
)
def test_malformed_seed_becomes_a_failure_naming_file_and_line(
    tmp_path: Path, name: str, content: str | bytes, code: str, where: str
) -> None:
    _write(tmp_path, name, content)
    _write(tmp_path, "good.txt", "date 2024-01-01 A good article.")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["seed://good.txt"]
    [failure] = failures
    assert failure.error_code == code
    assert failure.message.startswith(where)
    assert failure.stage == "seed"


@pytest.mark.parametrize(
    ("line", "code"),
    [
        pytest.param('{"title": "x", "text": "a"', "bad_json", id="broken-json"),
        pytest.param("[1, 2]", "bad_json", id="not-object"),
        pytest.param('{"title": "x", "text": ""}', "empty_body", id="empty-text"),
        pytest.param('{"text": "a", "published": "yesterday"}', "bad_date", id="bad-date"),
    ],
)
def test_bad_jsonl_line_fails_alone(tmp_path: Path, line: str, code: str) -> None:
    good = '{"url": "https://e.com/ok", "title": "Ok", "published": null, "text": "Fine."}'
    _write(tmp_path, "x.jsonl", f"{good}\n{line}\n{good.replace('ok', 'ok2')}\n")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["https://e.com/ok", "https://e.com/ok2"]
    [failure] = failures
    assert (failure.error_code, failure.url_or_path) == (code, "x.jsonl#2")
    assert failure.message.startswith("x.jsonl:2: ")


def test_hidden_files_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, ".gitkeep", "")
    _write(tmp_path, ".drafts/a.txt", "Draft.")
    assert _read(tmp_path) == ([], [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-06", datetime(2024, 5, 6)),
        ("2024-05-06T07:08:09Z", datetime(2024, 5, 6, 7, 8, 9)),
        ("2024-05-06T07:08:09-01:00", datetime(2024, 5, 6, 8, 8, 9)),
        (None, None),
    ],
)
def test_parse_published_reads_iso_dates_as_naive_utc(
    value: str | None, expected: datetime | None
) -> None:
    assert parse_published(value) == expected


GOOD_LINE = '{"url": "https://e.com/ok", "title": "Ok", "text": "Fine."}'


@pytest.mark.parametrize(
    ("line", "code"),
    [
        pytest.param(
            b'{"text": "a", "published": "9999-12-31T23:00:00-05:00"}',
            "bad_date",
            id="date-beyond-utc",
        ),
        pytest.param(
            b'{"text": "a", "published": "0001-01-01T00:00:00+05:00"}',
            "bad_date",
            id="date-before-utc",
        ),
        pytest.param(b'{"text": "a", "views": ' + b"7" * 5000 + b"}", "too_large", id="int-5000"),
        pytest.param(b"[" * 200_000 + b"]" * 200_000, "too_deep", id="nested-200000"),
        pytest.param(b'{"text": "caf\xe9 au lait"}', "undecodable", id="invalid-utf8"),
        pytest.param(b'{"text": "a", "title": ["x"]}', "bad_field", id="title-list"),
        pytest.param(b'{"text": {"html": "x"}}', "bad_field", id="text-object"),
        pytest.param(b'{"text": "a", "author": true}', "bad_field", id="author-bool"),
        pytest.param(b'{"text": "a", "published": [2024]}', "bad_date", id="date-list"),
        pytest.param(b'{"text": "a", "published": "2024-13"}', "bad_date", id="month-13"),
    ],
)
def test_poison_jsonl_line_fails_alone_and_the_good_lines_load(
    tmp_path: Path, line: bytes, code: str
) -> None:
    good = GOOD_LINE.encode()
    _write(tmp_path, "x.jsonl", good + b"\n" + line + b"\n" + good.replace(b"ok", b"ok2") + b"\n")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["https://e.com/ok", "https://e.com/ok2"]
    [failure] = failures
    assert (failure.error_code, failure.url_or_path) == (code, "x.jsonl#2")
    assert failure.message.startswith("x.jsonl:2: ") and len(failure.message) < 300


def test_jsonl_line_over_the_size_cap_fails_alone_without_being_read_whole(
    tmp_path: Path,
) -> None:
    huge = b'{"text": "' + b"a" * (MAX_SEED_BYTES + 10) + b'"}'
    _write(tmp_path, "x.jsonl", huge + b"\n" + GOOD_LINE.encode() + b"\n")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["https://e.com/ok"]
    assert [(f.error_code, f.url_or_path) for f in failures] == [("too_large", "x.jsonl#1")]


@pytest.mark.parametrize(
    ("field", "cap"),
    [
        pytest.param("title", MAX_TITLE_CHARS, id="title"),
        pytest.param("author", MAX_AUTHOR_CHARS, id="author"),
        pytest.param("text", MAX_TEXT_CHARS, id="text"),
    ],
)
def test_jsonl_fields_are_capped(tmp_path: Path, field: str, cap: int) -> None:
    at_cap = {"text": "Body.", field: "x" * cap}
    over = {"text": "Body.", field: "x" * (cap + 1)}
    _write(tmp_path, "x.jsonl", f"{json.dumps(at_cap)}\n{json.dumps(over)}\n")
    documents, failures = _read(tmp_path)
    assert [d.location for d in documents] == ["x.jsonl:1"]
    [failure] = failures
    assert (failure.error_code, failure.url_or_path) == ("too_large", "x.jsonl#2")
    assert f"the limit is {cap:,}" in failure.message


@pytest.mark.parametrize(
    ("content", "code", "where"),
    [
        pytest.param(
            "---\npublished: 2024-02-30\n---\nBody.", "bad_date", "bad.md:2", id="yaml-date"
        ),
        pytest.param(
            "---\npublished: 9999-12-31T23:00:00-05:00\n---\nBody.",
            "bad_date",
            "bad.md:2",
            id="yaml-date-beyond-utc",
        ),
        pytest.param(
            "---\ntitle: " + "7" * 5000 + "\n---\nBody.", "too_large", "bad.md:2", id="yaml-int"
        ),
        pytest.param(
            "---\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\nBody.",
            "too_deep",
            "bad.md:2",
            id="yaml-nested",
        ),
        pytest.param(
            "---\nurl: &u https://e.com/a\nsource: *u\n---\nBody.",
            "bad_front_matter",
            "bad.md:3",
            id="harmless-alias",
        ),
        pytest.param(
            "---\ntitle: [a, b]\n---\nBody.", "bad_front_matter", "bad.md:2", id="title-list"
        ),
        pytest.param(
            "---\ntitle: " + "x" * (MAX_TITLE_CHARS + 1) + "\n---\nBody.",
            "too_large",
            "bad.md:2",
            id="title-over-cap",
        ),
        pytest.param(
            "# " + "x" * (MAX_TITLE_CHARS + 1) + "\nBody.", "too_large", "bad.md:1", id="heading"
        ),
        pytest.param(
            "---\ntitle: t\n---\n" + "x" * (MAX_TEXT_CHARS + 1),
            "too_large",
            "bad.md:4",
            id="text-over-cap",
        ),
    ],
)
def test_poison_front_matter_is_a_failure_naming_file_and_line(
    tmp_path: Path, content: str, code: str, where: str
) -> None:
    _write(tmp_path, "bad.md", content)
    _write(tmp_path, "good.txt", "date 2024-01-01 A good article.")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["seed://good.txt"]
    [failure] = failures
    assert (failure.error_code, failure.url_or_path) == (code, "bad.md")
    assert failure.message.startswith(where)


def test_nested_alias_bomb_in_front_matter_is_refused_at_once(tmp_path: Path) -> None:
    bomb = FIXTURES / "seeds" / "alias-bomb.md"
    assert bomb.stat().st_size < 720
    _write(tmp_path, "bomb.md", bomb.read_bytes())
    documents, failures = _read(tmp_path)
    assert documents == []
    [failure] = failures
    assert failure.error_code == "bad_front_matter"
    assert failure.message == "bomb.md:3: front matter: YAML aliases are not allowed"


def test_seed_file_over_the_size_cap_is_a_failure(tmp_path: Path) -> None:
    _write(tmp_path, "big.html", b"<p>" + b"a" * MAX_SEED_BYTES + b"</p>")
    documents, failures = _read(tmp_path)
    assert documents == []
    assert [(f.error_code, f.url_or_path) for f in failures] == [("too_large", "big.html")]


@pytest.mark.parametrize(
    ("published", "expected", "precision"),
    [
        pytest.param("2024", datetime(2024, 1, 1), "year", id="year"),
        pytest.param("2024-05", datetime(2024, 5, 1), "month", id="month"),
        pytest.param("2024-05-06", datetime(2024, 5, 6), None, id="day"),
        pytest.param("2024-05-06T07:08:09Z", datetime(2024, 5, 6, 7, 8, 9), None, id="time"),
        pytest.param(2024, datetime(2024, 1, 1), "year", id="number"),
        pytest.param(None, None, None, id="none"),
    ],
)
def test_jsonl_year_or_month_dates_keep_the_article_with_their_precision(
    tmp_path: Path, published: object, expected: datetime | None, precision: str | None
) -> None:
    _write(tmp_path, "x.jsonl", json.dumps({"text": "Body.", "published": published}) + "\n")
    [doc], failures = _read(tmp_path)
    assert failures == []
    assert (doc.published_at, doc.published_precision) == (expected, precision)


@pytest.mark.parametrize(
    ("published", "expected", "precision"),
    [
        pytest.param("2023-11", datetime(2023, 11, 1), "month", id="month"),
        pytest.param("2023", datetime(2023, 1, 1), "year", id="year-read-as-a-number"),
        pytest.param("2023-11-05", datetime(2023, 11, 5), None, id="day"),
        pytest.param("2023-11-05 10:30:00+01:00", datetime(2023, 11, 5, 9, 30), None, id="time"),
    ],
)
def test_front_matter_dates_keep_their_precision(
    tmp_path: Path, published: str, expected: datetime, precision: str | None
) -> None:
    _write(tmp_path, "a.md", f"---\npublished: {published}\n---\nBody.")
    [doc], failures = _read(tmp_path)
    assert failures == []
    assert (doc.published_at, doc.published_precision) == (expected, precision)


def test_a_seed_that_cannot_be_read_is_a_failure(tmp_path: Path) -> None:
    mem = Path("/proc/self/mem")  # a regular file whose first bytes cannot be read
    if not mem.exists():
        pytest.skip("needs Linux /proc")
    (tmp_path / "mem.txt").symlink_to(mem)
    _write(tmp_path, "good.txt", "date 2024-01-01 A good article.")
    documents, failures = _read(tmp_path)
    assert [d.url for d in documents] == ["seed://good.txt"]
    [failure] = failures
    assert (failure.error_code, failure.url_or_path) == ("unreadable", "mem.txt")
    assert failure.message.startswith("mem.txt: cannot read: ")
