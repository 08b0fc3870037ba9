"""Article identity in the warehouse: source links, exact duplicates, stories and raw pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from connectors import RawDocument
from transforms import TaggedArticle, assign_stories
from transforms.rawpage import write_raw_page
from transforms.records import Article
from transforms.stories import sketch_text
from warehouse import load_batch
from warehouse.db import connect_warehouse
from warehouse.raw import read_stored_pages, select_stored_pages

NOW = datetime(2026, 1, 1, 12)
STORY = (
    "OpenAI released a new model on Monday that it says reasons better about code and "
    "mathematics, and made it available to paying subscribers first. The company said the "
    "model was trained with more compute than its predecessor and tested by outside experts. "
) * 3


def _tagged(
    key: str, text: str, *, source: str = "feed-a", url: str | None = None
) -> TaggedArticle:
    article = Article(
        article_id=key,
        url=url or f"https://e.com/{key}",
        canonical_url=f"https://e.com/{key}",
        source=source,
        origin="feed",
        title=f"Title {key}",
        title_derived=False,
        author="Ann Lee; Bo Chan",
        published_at=datetime(2024, 1, 1),
        language="en",
        text=text,
        word_count=len(text.split()),
        content_hash=f"hash-{hash(text)}",
        fetched_at=NOW,
        extractor_version="x/1",
        authors=("Ann Lee", "Bo Chan"),
        site_name="E News",
        lead_image_url="https://e.com/lead.jpg",
        page_canonical_url=f"https://e.com/{key}",
        sketch=sketch_text(text),
    )
    return TaggedArticle(article=article, topics=(), entities=(), tagger_version="t/1")


def _load(con: duckdb.DuckDBPyConnection, *items: TaggedArticle, run: str = "r1") -> None:
    now = NOW.replace(hour=int(run[1:]))  # later runs happen later
    load_batch(
        con, assign_stories=assign_stories, run_id=run, tagged=list(items), failures=[], now=now
    )


def test_same_article_from_two_feeds_is_one_row_with_two_links(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    _load(con, _tagged("a", STORY, source="feed-a", url="https://e.com/a?utm_source=a"))
    _load(con, _tagged("a", STORY, source="feed-b", url="https://m.e.com/a"), run="r2")
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    links = con.execute("SELECT source, url, run_id FROM article_links ORDER BY source").fetchall()
    assert links == [
        ("feed-a", "https://e.com/a?utm_source=a", "r1"),
        ("feed-b", "https://m.e.com/a", "r2"),
    ]
    row = con.execute("SELECT authors, site_name, lead_image_url FROM articles").fetchone()
    assert row == (["Ann Lee", "Bo Chan"], "E News", "https://e.com/lead.jpg")


def test_exact_duplicates_under_other_urls_are_linked_to_the_first(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    _load(con, _tagged("first", STORY))
    _load(
        con,
        _tagged("copy", STORY),
        _tagged("other", "A different text about chips. " * 9),
        run="r2",
    )
    rows = con.execute("SELECT article_id, duplicate_of FROM article_exact_duplicates").fetchall()
    assert rows == [("copy", "first")]


def test_near_duplicates_share_a_story_that_persists_across_runs(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    _load(con, _tagged("wire", STORY), _tagged("chips", "TSMC said chip demand stays high. " * 9))
    noisy = "Home | World | Tech | Sign in\n" + STORY + "\nRead more: related stories"
    _load(con, _tagged("rewrite", noisy), run="r2")
    _load(con, _tagged("wire", STORY), run="r3")  # seen again: keeps its story
    stories = dict(con.execute("SELECT article_id, story_id FROM articles").fetchall())
    assert stories == {"wire": "wire", "rewrite": "wire", "chips": "chips"}
    assert con.execute("SELECT story_id, articles FROM stories ORDER BY 1").fetchall() == [
        ("chips", 1),
        ("wire", 2),
    ]


def test_raw_pages_are_stored_once_by_content_and_read_back(db_path: Path) -> None:
    body = "<html><body><p>Olá, mundo: café</p></body></html>".encode("cp1252", errors="ignore")
    document = RawDocument(
        url="https://e.com/p",
        source="feed-a",
        origin="feed",
        fetched_at=NOW,
        html=body.decode("cp1252"),
        body=body,
        status=200,
        content_type="text/html; charset=windows-1252",
        published_at=datetime(2024, 5, 6),
    )
    store = db_path.parent / "raw"
    con = connect_warehouse(db_path)
    for run in ("r1", "r2"):
        page = write_raw_page(store, document)
        assert page is not None
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id=run,
            tagged=[],
            failures=[],
            now=NOW,
            raw=[(page, None)],
        )
    assert [p.name for p in store.rglob("*.html.gz")] == [f"{page.sha256}.html.gz"]
    row = con.execute("SELECT url, status, bytes, sha256, run_id FROM raw_documents").fetchall()
    assert row == [("https://e.com/p", 200, len(body), page.sha256, "r2")]
    [(stored, stored_body)] = read_stored_pages(store, select_stored_pages(con))
    assert stored_body == body
    assert stored == page


def test_copies_within_one_batch_join_the_first_copys_story(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    _load(con, _tagged("one", STORY), _tagged("two", "Via wire service.\n" + STORY))
    assert con.execute("SELECT DISTINCT story_id FROM articles").fetchall() == [("one",)]


def test_a_spooled_raw_page_is_a_reference_and_its_file_is_written_once(
    tmp_path: Path, db_path: Path
) -> None:
    from warehouse.spool import load_spooled, spool_batch

    body = b"<html><body><p>Spooled page, a page long enough to notice</p></body></html>"
    document = RawDocument(
        url="https://e.com/s", source="feed-a", origin="feed", fetched_at=NOW, body=body
    )
    store = tmp_path / "raw"
    page = write_raw_page(store, document)  # as the extraction worker does
    assert page is not None
    written = (store / page.stored_path).stat()
    path = spool_batch(
        tmp_path / "spool", run_id="r1", tagged=[], failures=[], now=NOW, raw=[(page, None)]
    )
    spooled = path.read_text(encoding="utf-8")
    assert "$bytes" not in spooled and "Spooled page" not in spooled
    assert page.stored_path in spooled
    con = connect_warehouse(db_path)
    load_spooled(con, path, run_id="r1", now=NOW, assign_stories=assign_stories)
    after = (store / page.stored_path).stat()
    assert (after.st_ino, after.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert con.execute("SELECT url, sha256 FROM raw_documents").fetchall() == [
        ("https://e.com/s", page.sha256)
    ]
    [(_, stored)] = read_stored_pages(store, select_stored_pages(con))
    assert stored == body
