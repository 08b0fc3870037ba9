"""The fixture warehouse the README's queries run against: articles over several weeks (some
this month), regulation and open-source coverage, labs and the EU AI Act, a failing feed and
one that failed only its last poll."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from connectors import Failure
from flows.ingest import ingest
from tests.conftest import ROOT
from transforms import assign_stories
from warehouse import Warehouse, load_batch

# (days before today, title, text): today's articles make "this month" queries answer.
ARTICLES = [
    (
        0,
        "OpenAI and Anthropic prepare for the EU AI Act",
        "OpenAI and Anthropic told the European Commission how they will meet the EU AI Act. "
        "The AI regulation sets duties for general-purpose AI models, and regulators will "
        "check that AI labs document their training data. OpenAI said the regulation is "
        "workable; Anthropic asked lawmakers for clear guidance on AI safety testing.",
    ),
    (
        0,
        "Mistral AI releases an open-weight model on Hugging Face",
        "Mistral AI released an open-weight AI model that anyone can download from Hugging "
        "Face. The open-source release includes the weights and a permissive licence, and the "
        "company says open-source AI keeps Europe competitive. The AI model beats larger "
        "models on several benchmarks.",
    ),
    (
        7,
        "Google DeepMind shares open-source AI research tools",
        "Google DeepMind published open-source tools for AI research, and its scientists "
        "released a research paper with benchmarks. The open-source code lets other AI labs "
        "reproduce the study. OpenAI and Anthropic researchers welcomed the open approach to "
        "AI research.",
    ),
    (
        14,
        "Meta open-sources Llama 2 as EU lawmakers watch",
        "Meta released Llama 2 as an open-source AI model, and Mark Zuckerberg argued that "
        "open-source AI is safer. EU lawmakers said the EU AI Act will still apply to open "
        "models, and the European Commission is drafting regulation guidance for open-source "
        "AI developers.",
    ),
    (
        21,
        "The European Commission starts enforcing the EU AI Act",
        "The European Commission started enforcing the EU AI Act, the first AI regulation of "
        "its kind. Regulators asked OpenAI, Google DeepMind and Mistral AI for documents about "
        "their AI models, and lawmakers said further regulation of generative AI may follow.",
    ),
    (
        28,
        "Nvidia AI chips face new export controls",
        "Nvidia said new export controls limit the AI chips it can sell in China. The GPUs are "
        "used to train large language models in data centers, and national security officials "
        "say AI chips are a strategic semiconductor technology.",
    ),
    (
        35,
        "Anthropic raised $2 billion in a new funding round",
        "Anthropic raised $2 billion in a funding round that puts its valuation above that of "
        "many AI labs. The AI company will spend the money on AI safety research and on GPUs "
        "for training its chatbot, competing with OpenAI.",
    ),
]
FAILING_FEED = ("flaky-ai-blog", "https://flaky.example.com/feed.xml")
HEALTHY_FEED = ("ai-news", "https://news.example.com/ai.rss")
# Failed its last poll only: still active, and the feed-health queries must show it.
JUST_FAILED_FEED = ("policy-tracker", "https://policy.example.org/feed.atom")


def build_readme_warehouse(folder: Path) -> Path:
    """Ingest the bundled seed, the articles above and a broken seed; add feed health; publish."""
    seeds = folder / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    today = date.today()
    for number, (days_ago, title, text) in enumerate(ARTICLES):
        published = today - timedelta(days=days_ago)
        (seeds / f"article-{number}.md").write_text(
            f"---\ntitle: {title}\npublished: {published.isoformat()}\n"
            f"url: https://news.example.com/{number}\nsource: {HEALTHY_FEED[0]}\n---\n{text}\n",
            encoding="utf-8",
        )
    (seeds / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    db = folder / "news.duckdb"
    summary = ingest(seeds_dir=str(seeds), db_path=str(db))
    warehouse = Warehouse(db)
    now = datetime.now().replace(microsecond=0)
    with warehouse.writing() as con:
        _record_feeds(con, summary.run_id, now)
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id=summary.run_id,
            tagged=[],
            failures=[
                Failure(
                    "fetch",
                    FAILING_FEED[0],
                    FAILING_FEED[1],
                    "http_status",
                    f"{FAILING_FEED[1]}: HTTP 503 Service Unavailable",
                )
            ]
            * 3,
            now=now,
        )
    warehouse.publish()
    return db


def _record_feeds(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime) -> None:
    """Feed health rows as the feed connector records them (tables of migration 0002)."""
    con.executemany(
        "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
        "consecutive_failures, last_polled_at, last_success_at, next_poll_at, last_error_code, "
        "last_error, tracked_since) VALUES (?, ?, 'rss', ['ai'], 30, true, ?, ?, ?, ?, ?, ?, ?, "
        "TIMESTAMP '2026-01-01')",
        [
            [*HEALTHY_FEED, "active", 0, now, now, now + timedelta(minutes=30), None, None],
            [
                *FAILING_FEED,
                "failing",
                3,
                now,
                now - timedelta(days=2),
                now + timedelta(hours=4),
                "http_status",
                f"{FAILING_FEED[1]}: HTTP 503 Service Unavailable",
            ],
            [
                *JUST_FAILED_FEED,
                "active",
                1,
                now,
                now - timedelta(hours=1),
                now + timedelta(minutes=30),
                "dns_error",
                "cannot resolve 'policy.example.org': [Errno -3] Temporary failure in name "
                "resolution",
            ],
        ],
    )
    con.executemany(
        "INSERT INTO feed_fetches (run_id, source, fetched_at, url, status, bytes, duration_ms, "
        "items_new, items_seen, error_code, conditional, unchanged) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, false)",
        [
            [run_id, HEALTHY_FEED[0], now, HEALTHY_FEED[1], 200, 48213, 120.0, 7, 0, None],
            [run_id, FAILING_FEED[0], now, FAILING_FEED[1], 503, 0, 85.0, 0, 0, "http_status"],
            [
                run_id,
                FAILING_FEED[0],
                now - timedelta(hours=4),
                FAILING_FEED[1],
                503,
                0,
                90.0,
                0,
                0,
                "http_status",
            ],
            [
                run_id,
                JUST_FAILED_FEED[0],
                now,
                JUST_FAILED_FEED[1],
                None,
                0,
                3.0,
                0,
                0,
                "dns_error",
            ],
        ],
    )
    # Feed items whose pages wait: one never fetched (a killed run), one due for a retry.
    con.executemany(
        "INSERT INTO feed_items (source, guid, url, canonical_url, title, first_seen_at, "
        "duplicate_of_seen, run_id, page_state, page_attempts, page_next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?, ?, false, ?, ?, ?, ?)",
        [
            [HEALTHY_FEED[0], url, url, url, title, now, run_id, page_state, tries, due]
            for url, title, page_state, tries, due in (
                ("https://news.example.com/pending", "Pending", "pending", 0, None),
                ("https://news.example.com/retry", "Retry", "retry", 1, now + timedelta(hours=1)),
            )
        ],
    )
