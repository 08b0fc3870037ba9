"""`newsflow report`: the briefing's numbers against SQL, its page, its flow, and a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pytest

from flows.artifacts import TopicsChartDrawer, chart_and_briefing_markdown
from flows.briefing import write_briefing
from flows.briefing_link import LatestBriefing, latest_briefing, remember_briefing
from flows.chart_style import themed, whole_axis
from flows.chart_theme import PALETTE
from flows.cli import main
from flows.report import report_window
from flows.run_chart import run_topics_spec
from tests.conftest import ROOT
from tests.factories import failure, tagged_article
from transforms import assign_stories
from transforms.records import EntityMention
from warehouse import Warehouse, load_batch
from warehouse.briefing import ReportWindow, resolve_window, select_briefing

SINCE, UNTIL = date(2024, 3, 1), date(2024, 3, 14)  # the window the tests ask for
ARTIFACTS = ROOT / "build" / "test-artifacts"  # screenshots CI can keep
ENTITIES = {
    name: EntityMention(name.lower().replace(" ", "-"), name, kind, None, 1, (f"{name}@0",))
    for name, kind in [
        ("OpenAI", "ai_lab"),
        ("Anthropic", "ai_lab"),
        ("Meta", "company"),
        ("EU AI Act", "law"),
        ("Nvidia", "company"),
    ]
}
# (key, published, topics, entities): in the window, in the window before it, and long before.
ARTICLES = [
    *[
        (
            f"now-{n}",
            datetime(2024, 3, 1 + n, 9),
            ("regulation", "open-source") if n % 2 else ("safety",),
            ("OpenAI", "EU AI Act") if n % 3 else ("Anthropic", "OpenAI"),
        )
        for n in range(12)
    ],
    *[
        (f"before-{n}", datetime(2024, 2, 20 + n, 9), ("funding",), ("Meta", "OpenAI"))
        for n in range(5)
    ],
    ("old", datetime(2024, 1, 5, 9), ("chips-hardware",), ("Nvidia",)),
    ("undated", None, ("research",), ("Meta",)),
]
STORY = ("now-1", "now-2", "now-3")  # one story carried by two sources
FAILURE_TIMES = [datetime(2024, 3, 2, 8), datetime(2024, 3, 2, 9), datetime(2024, 3, 9, 8)]


def _build(folder: Path) -> Path:
    """A published warehouse with the articles above, one story, failures and a failing feed."""
    warehouse = Warehouse(folder / "news.duckdb")
    tagged = [
        tagged_article(
            key,
            published=published,
            topics=topics,
            entities=tuple(ENTITIES[name] for name in names),
        )
        for key, published, topics, names in ARTICLES
    ]
    failures = [failure(f"https://down.example.com/{n}", "http_status") for n in range(2)]
    failures.append(failure("https://slow.example.com/feed", "connect_timeout"))
    failures.append(failure("https://down.example.com/old", "http_status"))  # before the window
    with warehouse.writing() as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r1",
            tagged=tagged,
            failures=failures,
            now=datetime(2024, 3, 15),
        )
        con.execute(
            "UPDATE articles SET story_id = ? WHERE article_id IN (SELECT unnest(?))",
            [STORY[0], list(STORY)],
        )
        con.execute("UPDATE articles SET source = 'wire' WHERE article_id = ?", [STORY[2]])
        con.execute("UPDATE articles SET url = 'seed://notes/now-4.md' WHERE article_id = 'now-4'")
        for url, at in zip(
            sorted(f"https://down.example.com/{n}" for n in range(2))
            + ["https://slow.example.com/feed"],
            FAILURE_TIMES,
            strict=True,
        ):
            con.execute('UPDATE failures SET "at" = ? WHERE url_or_path = ?', [at, url])
        con.execute(
            """UPDATE failures SET "at" = TIMESTAMP '2024-01-02' WHERE url_or_path LIKE '%/old'"""
        )
        con.execute(
            "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
            "consecutive_failures, last_error_code, last_error, tracked_since) VALUES "
            "('flaky-blog', 'https://flaky.example.com/feed', 'rss', [], 60, true, 'failing', 4, "
            "'http_status', 'https://flaky.example.com/feed: HTTP 503', TIMESTAMP '2024-01-01')"
        )
    return warehouse.publish().snapshot


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("briefing"))


@pytest.fixture(scope="module")
def briefing_html(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "briefing.html"
    write_briefing(Warehouse(snapshot), out, since=SINCE, until=UNTIL, now=datetime(2024, 3, 15, 6))
    return out


def _sql(snapshot: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def _read(snapshot: Path, window: ReportWindow) -> Any:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return select_briefing(con, window)


# --- the numbers, against SQL over the analysts' views ---


def test_totals_count_only_articles_published_in_the_window(snapshot: Path) -> None:
    totals = _read(snapshot, ReportWindow(SINCE, UNTIL)).totals
    [(articles, stories, sources)] = _sql(
        snapshot,
        "SELECT count(*), count(DISTINCT coalesce(story_id, article_id)), count(DISTINCT source) "
        "FROM articles WHERE published_at::DATE BETWEEN ? AND ?",
        [SINCE, UNTIL],
    )
    assert (totals.articles, totals.stories, totals.sources) == (articles, stories, sources)
    assert (totals.articles, totals.stories, totals.sources) == (12, 10, 2)
    assert totals.previous_articles == 5 and totals.undated_articles == 1
    assert totals.failures == 3


def test_topic_bars_add_up_to_the_topic_daily_view(snapshot: Path) -> None:
    briefing = _read(snapshot, ReportWindow(SINCE, UNTIL))
    drawn: Counter[tuple[date, str]] = Counter()
    for count in briefing.topics:
        drawn[(count.period, count.series)] += count.count
    expected = _sql(
        snapshot,
        "SELECT day, topic, articles FROM topic_daily WHERE day BETWEEN ? AND ?",
        [SINCE, UNTIL],
    )
    assert dict(drawn) == {(day, topic): n for day, topic, n in expected}
    assert briefing.window.unit == "day"


def test_long_windows_are_drawn_week_by_week(snapshot: Path) -> None:
    briefing = _read(snapshot, ReportWindow(date(2024, 1, 1), date(2024, 3, 31)))
    assert briefing.window.unit == "week"
    drawn = {(c.period, c.series): c.count for c in briefing.topics}
    expected = _sql(snapshot, "SELECT week, topic, articles FROM topic_weekly")
    assert drawn == {(week, topic): n for week, topic, n in expected}


def test_entities_rise_and_fall_against_the_previous_window_of_the_same_length(
    snapshot: Path,
) -> None:
    window = ReportWindow(SINCE, UNTIL)
    previous = window.previous()
    assert (previous.since, previous.until) == (date(2024, 2, 16), date(2024, 2, 29))
    changes = {c.name: (c.now, c.before) for c in _read(snapshot, window).changes}
    counted = _sql(
        snapshot,
        "SELECT name, sum(articles) FILTER (WHERE day >= ?), sum(articles) FILTER (WHERE day < ?) "
        "FROM entity_daily WHERE day BETWEEN ? AND ? GROUP BY name",
        [SINCE, SINCE, previous.since, UNTIL],
    )
    expected = {name: (now or 0, before or 0) for name, now, before in counted if now != before}
    assert changes == expected
    assert changes["Meta"] == (0, 5) and changes["OpenAI"] == (12, 5)


def test_entity_lines_have_a_point_for_every_day_of_the_window(snapshot: Path) -> None:
    points = _read(snapshot, ReportWindow(SINCE, UNTIL)).entities
    by_entity = Counter(p.series for p in points)
    assert set(by_entity.values()) == {14}
    openai = {p.period: p.count for p in points if p.series == "OpenAI"}
    assert sum(openai.values()) == 12


def test_stories_are_ranked_by_size_with_their_articles(snapshot: Path) -> None:
    stories = _read(snapshot, ReportWindow(SINCE, UNTIL)).stories
    top = stories[0]
    assert top.story_id == STORY[0] and top.articles == 3 and top.sources == 2
    assert [item.url for item in top.items] == [f"https://example.com/{key}" for key in STORY]
    sizes = _sql(
        snapshot,
        "SELECT count(*) FROM articles WHERE published_at::DATE BETWEEN ? AND ? "
        "GROUP BY coalesce(story_id, article_id) ORDER BY 1 DESC",
        [SINCE, UNTIL],
    )
    assert [s.articles for s in stories] == [n for (n,) in sizes][: len(stories)]


def test_failures_count_by_day_code_and_source_as_the_failures_table_does(snapshot: Path) -> None:
    briefing = _read(snapshot, ReportWindow(SINCE, UNTIL))
    expected = _sql(
        snapshot,
        'SELECT "at"::DATE, error_code, count(*) FROM failures '
        'WHERE "at"::DATE BETWEEN ? AND ? GROUP BY ALL',
        [SINCE, UNTIL],
    )
    assert {(c.period, c.series): c.count for c in briefing.failures} == {
        (day, code): n for day, code, n in expected
    }
    assert {(c.period, c.source, c.error_code, c.count) for c in briefing.failures_by_source} == {
        (date(2024, 3, 2), "example", "http_status", 2),
        (date(2024, 3, 9), "example", "connect_timeout", 1),
    }
    assert [feed.source for feed in briefing.failing_feeds] == ["flaky-blog"]


def test_the_default_window_spans_every_dated_article(snapshot: Path) -> None:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        everything = resolve_window(con)
        assert everything == ReportWindow(
            date(2024, 1, 5), date(2024, 3, 12), open_since=True, open_until=True
        )
        from_since = resolve_window(con, since=SINCE)
        assert from_since == ReportWindow(SINCE, date(2024, 3, 12), open_until=True)
        with pytest.raises(ValueError, match="before"):
            resolve_window(con, since=UNTIL, until=SINCE)


def test_a_given_end_beyond_the_articles_is_an_empty_window_not_an_error(snapshot: Path) -> None:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        after = resolve_window(con, since=date(2030, 1, 1))
        before = resolve_window(con, until=date(2020, 1, 1))
    assert after == ReportWindow(date(2030, 1, 1), date(2030, 1, 1), open_until=True)
    assert before == ReportWindow(date(2020, 1, 1), date(2020, 1, 1), open_since=True)


def test_failures_reach_past_the_articles_when_the_window_is_left_open(snapshot: Path) -> None:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        everything = resolve_window(con)
        assert everything is not None
        briefing = select_briefing(con, everything)
    [(failures,)] = _sql(snapshot, "SELECT count(*) FROM failures")
    assert briefing.totals.failures == failures == 4  # one happened before the first article


# --- the page ---


def test_the_page_is_self_contained_with_six_charts(briefing_html: Path) -> None:
    html = briefing_html.read_text(encoding="utf-8")
    assert html.count('<figure class="chart"') == 6
    assert "<script" not in html
    # Nothing the browser would fetch: every src/href/url() is a link out of a story or a fragment.
    fetched = re.findall(r'(?:src|xlink:href)="([^"#][^"]*)"|url\((?!#)([^)]*)\)', html)
    assert fetched == []


def test_the_page_shows_only_the_windows_articles(briefing_html: Path) -> None:
    html = briefing_html.read_text(encoding="utf-8")
    assert "Title now-11" in html
    assert "Title before-0" not in html and "Title old" not in html
    assert "Articles published 2024-03-01 – 2024-03-14 (14 days, UTC)" in html


def test_story_articles_link_to_their_urls_but_never_to_other_schemes(
    briefing_html: Path,
) -> None:
    html = briefing_html.read_text(encoding="utf-8")
    for key in STORY:
        assert (
            f'<a href="https://example.com/{key}" rel="noopener noreferrer">Title {key}</a>' in html
        )
    assert "seed://notes/now-4.md" in html and 'href="seed:' not in html


def test_without_a_previous_window_the_page_says_why_nothing_rises(
    snapshot: Path, tmp_path: Path
) -> None:
    written = write_briefing(
        Warehouse(snapshot), tmp_path / "b.html", since=date(2024, 1, 1), until=date(2024, 1, 31)
    )
    html = written.path.read_text(encoding="utf-8")
    assert 'data-chart="changes"' not in html and 'data-chart="entities"' in html
    assert "Nothing was published in the 31 days before the window" in html


def test_hostile_titles_and_names_stay_text(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    name = EntityMention("x", hostile, "company", None, 1, ())
    warehouse = Warehouse(tmp_path / "news.duckdb")
    with warehouse.writing() as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r",
            tagged=[tagged_article("a", published=datetime(2024, 3, 1), entities=(name,))],
            failures=[],
            now=datetime(2024, 3, 2),
        )
        con.execute("UPDATE articles SET title = ?", [hostile])
    warehouse.publish()
    html = write_briefing(warehouse, tmp_path / "b.html").path.read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_warehouse_gives_a_clear_page(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "news.duckdb")
    with warehouse.writing():
        pass
    warehouse.publish()
    written = write_briefing(warehouse, tmp_path / "out" / "briefing.html")
    html = written.path.read_text(encoding="utf-8")
    assert written.window is None and written.charts == 0 and written.articles == 0
    assert "The warehouse holds no dated articles yet" in html
    assert "Every known feed is active." in html


def test_an_empty_window_gives_a_clear_page(snapshot: Path, tmp_path: Path) -> None:
    written = write_briefing(
        Warehouse(snapshot), tmp_path / "b.html", since=date(2030, 1, 1), until=date(2030, 1, 7)
    )
    html = written.path.read_text(encoding="utf-8")
    assert written.charts == 0 and written.articles == 0
    assert "No articles were published between 2030-01-01 and 2030-01-07." in html
    assert "flaky-blog" in html  # the feeds failing now still show


# --- the command, the flow, the run summaries ---


def test_cli_report_writes_the_briefing_and_notes_it(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    args = ["report", "--db", str(snapshot), "--out", str(out), "--since", "2024-03-01"]
    assert main([*args, "--until", "2024-03-14"]) == 0
    printed = capsys.readouterr().out
    assert "briefing of 12 articles (2024-03-01 – 2024-03-14), 6 charts" in printed
    assert str(out) in printed and out.is_file()
    latest = latest_briefing(snapshot.with_name("news.private"))
    assert latest is not None and latest.path == out.resolve()


def test_cli_report_counts_one_article_in_the_singular(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--db", str(snapshot), "--out", str(tmp_path / "one.html")]
    assert main([*args, "--since", "2024-03-05", "--until", "2024-03-05"]) == 0
    assert "briefing of 1 article (2024-03-05 – 2024-03-05)" in capsys.readouterr().out


def test_cli_report_since_after_the_last_article_writes_an_empty_briefing(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--db", str(snapshot), "--out", str(tmp_path / "later.html")]
    assert main([*args, "--since", "2030-01-01"]) == 0
    assert "briefing of 0 articles (2030-01-01 – 2030-01-01), 0 charts" in capsys.readouterr().out


def test_cli_report_refuses_an_until_before_since(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--db", str(snapshot), "--out", str(tmp_path / "r.html")]
    assert main([*args, "--since", "2024-03-14", "--until", "2024-03-01"]) == 2
    assert "before" in capsys.readouterr().err


def test_cli_report_on_a_missing_database_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "newsflow ingest" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        pytest.param(7, date(2024, 3, 11), (date(2024, 3, 4), date(2024, 3, 10)), id="monday"),
        pytest.param(1, date(2024, 3, 11), (date(2024, 3, 10), date(2024, 3, 10)), id="one-day"),
        pytest.param(None, date(2024, 3, 11), (None, None), id="everything"),
    ],
)
def test_report_window_covers_the_full_days_before_today(
    days: int | None, today: date, expected: tuple[date | None, date | None]
) -> None:
    assert report_window(days=days, since=None, until=None, today=today) == expected


def test_report_window_refuses_days_with_dates() -> None:
    with pytest.raises(ValueError, match="not both"):
        report_window(days=7, since=SINCE, until=None, today=UNTIL)


@pytest.mark.usefixtures("prefect_harness")
def test_report_flow_writes_the_briefing_and_says_where(snapshot: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.report import report

    out = tmp_path / "weekly.html"
    written = report(out=str(out), since=SINCE, until=UNTIL, db_path=str(snapshot))
    assert written.path == out.resolve() and written.charts == 6
    found: list[dict[str, Any]] = []
    with get_client(sync_client=True) as client:
        for _ in range(40):
            response = client.request(
                "POST",
                "/events/filter",
                json={"filter": {"event": {"name": ["newsflow.report.written"]}}, "limit": 50},
            )
            found = [e for e in response.json()["events"] if e["payload"]["path"] == str(out)]
            if found:
                break
            time.sleep(0.25)
    [event] = found
    assert event["resource"]["prefect.resource.id"] == "newsflow.report"
    assert event["payload"]["since"] == "2024-03-01" and event["payload"]["articles"] == 12


def test_the_run_summary_chart_is_a_png_drawn_in_a_child_process() -> None:
    png = TopicsChartDrawer().draw({"regulation": 3, "open-source": 1})
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert TopicsChartDrawer().draw({}) is None


def test_the_run_summary_chart_is_the_chart_altair_would_write_in_the_shared_look() -> None:
    topics = {"regulation": 3, "open-source": 1}
    rows = [{"topic": topic, "articles": n} for topic, n in topics.items()]
    chart = (
        alt.Chart(alt.Data(values=rows), title="Articles loaded by topic")
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y("topic:N", title="Topic", sort="-x"),
            x=alt.X("articles:Q", title="Articles (new or updated)", axis=whole_axis()),
        )
        .properties(width=320, height=alt.Step(18))
    )

    assert run_topics_spec(topics) == themed(chart).to_dict()


def test_the_run_summary_chart_child_does_not_import_altair() -> None:
    probe = "import sys, flows.run_chart; print('altair' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == "False"


def test_the_run_summary_shows_its_chart_and_links_the_latest_briefing(tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text("<html></html>", encoding="utf-8")
    remember_briefing(tmp_path / "private", page, now=datetime(2024, 3, 11, 6))
    latest = latest_briefing(tmp_path / "private")
    assert latest == LatestBriefing(page.resolve(), datetime(2024, 3, 11, 6))
    markdown = chart_and_briefing_markdown(b"\x89PNG-bytes", latest)
    assert "![Articles loaded by topic](data:image/png;base64," in markdown
    assert f"[briefing.html]({page.resolve().as_uri()})" in markdown
    page.unlink()
    assert latest_briefing(tmp_path / "private") is None
    assert chart_and_briefing_markdown(None, None) == ""


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_summary_artifact_carries_the_topic_chart_when_it_wrote_articles(
    tmp_path: Path,
) -> None:
    from prefect.client.orchestration import get_client

    from flows.ingest import ingest

    first = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(tmp_path / "news.duckdb"))
    again = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(tmp_path / "news.duckdb"))
    with get_client(sync_client=True) as client:
        artifacts = client.request(
            "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": ["ingest-summary"]}}}
        ).json()
    [artifact] = [a for a in artifacts if first.run_id in a["data"]]
    assert "![Articles loaded by topic](data:image/png;base64,iVBORw0KGgo" in artifact["data"]
    [unchanged] = [a for a in artifacts if again.run_id in a["data"]]
    assert "data:image/png" not in unchanged["data"]  # it wrote nothing: no chart to draw


# --- a real browser, offline ---


@pytest.mark.parametrize("width", [1280, 390])
def test_the_briefing_in_chromium_is_offline_error_free_and_fits(
    briefing_html: Path, width: int
) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(briefing_html.as_uri(), wait_until="load")
            charts = page.locator("figure.chart svg").count()
            links = page.eval_on_selector_all(
                "#stories li[data-story] a[href]", "nodes => nodes.map(n => n.href)"
            )
            text = page.inner_text("body")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"briefing-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    assert errors == []
    assert charts == 6
    assert "Title now-0" in text and "Title before-0" not in text and "Title old" not in text
    assert {f"https://example.com/{key}" for key in STORY} <= set(links)
    assert all(link.startswith("https://example.com/now-") for link in links)
    assert overflow <= 0, f"the page scrolls sideways at {width} px"
    assert (ARTIFACTS / f"briefing-{width}.png").stat().st_size > 0
