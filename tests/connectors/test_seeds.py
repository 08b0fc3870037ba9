"""Seed files: every format, and every malformed case as a failure that names file and line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from connectors import Failure, RawDocument, derive_title, iter_seed_documents, parse_published
from tests.conftest import ROOT, shared_path


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


def test_bundled_seed_reads_date_and_derives_title() -> None:
    documents, failures = _read(ROOT / "seeds")
    assert failures == []
    [doc] = documents
    assert doc.published_at == datetime(2023, 12, 17)
    assert doc.url == "seed://meta-open-source-ai-2023-12-17.txt"
    assert doc.title_derived is True
    assert doc.title is not None and doc.title.startswith("Meta, the company that owns Facebook")
    assert doc.text is not None and not doc.text.startswith("date")


def test_date_line_may_follow_blank_lines_and_end_its_own_line(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "\n\n  date 2024-02-03\nOpenAI released a model. More text.")
    [doc], _ = _read(tmp_path)
    assert doc.published_at == datetime(2024, 2, 3)
    assert doc.text == "OpenAI released a model. More text."
    assert doc.title == "OpenAI released a model"


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
    assert doc.title_derived is False


def test_markdown_heading_is_the_title_when_front_matter_has_none(tmp_path: Path) -> None:
    _write(tmp_path, "c.md", "# A heading\n\nThe body.\n")
    [doc], _ = _read(tmp_path)
    assert (doc.title, doc.text, doc.title_derived) == ("A heading", "The body.", False)


def test_html_seed_keeps_the_page_for_extraction(tmp_path: Path) -> None:
    _write(tmp_path, "page.html", "<html><body><p>Hello</p></body></html>")
    [doc], _ = _read(tmp_path)
    assert doc.html is not None and doc.text is None
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


def test_derive_title_cuts_long_sentences_on_a_word() -> None:
    title = derive_title("word " * 100)
    assert title.endswith("…") and len(title) <= 161 and "wor…" not in title
