"""Connector constants: the fetch limits and polling rules, with the evidence behind each.

The numbers come from ``shared/notes/reliability-security.md`` §5. ``flows/settings.py``
lets a deployment override the ones marked there; everything else takes them as
keyword-only defaults.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

PROJECT_URL = "https://github.com/newsflow/newsflow"


def _version() -> str:
    try:
        return version("newsflow")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


USER_AGENT = f"newsflow/{_version()} (+{PROJECT_URL})"
ROBOTS_AGENT = "newsflow"  # the product token robots.txt groups are matched against

CONNECT_TIMEOUT_SECONDS = 10.0  # Miniflux dialer 10 s
READ_TIMEOUT_SECONDS = 10.0  # idle time between two chunks
DNS_TIMEOUT_SECONDS = 5.0  # a resolver that never answers must not eat the whole deadline
FEED_DEADLINE_SECONDS = 20.0  # wall clock for DNS + connect + redirects + body (Miniflux 20 s)
PAGE_DEADLINE_SECONDS = 30.0  # trafilatura / Media Cloud 30 s
PAGE_RETRY_PAUSE_SECONDS = 1.0  # before the one in-run retry of a page after a 5xx or timeout
PARSE_DEADLINE_SECONDS = 60.0  # a 6 MB feed of 40,000 items took 24 s on a busy 2-core machine
PARSE_WORKERS = 2  # feed parses in parallel (off the event loop; a small feed never queues long)
MAX_REDIRECTS = 5  # SimplePie 5; RFC 9309 asks robots fetchers for at least five
MAX_FEED_BYTES = 15 * 1024 * 1024  # decompressed; Miniflux 15 MiB
MAX_PAGE_BYTES = 10 * 1024 * 1024  # decompressed; extraction cost grows fast beyond it
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
MAX_URL_LENGTH = 2048  # Media Cloud MAX_URL
MAX_ENTRIES_PER_FETCH = 2000  # Media Cloud MAX_STORIES_PER_FEED
DECODE_STEP_BYTES = 1024 * 1024  # a bounded decoder emits at most this much per step

GLOBAL_CONCURRENCY = 16  # Miniflux worker pool, Scrapy CONCURRENT_REQUESTS
HOST_CONCURRENCY = 2  # Media Cloud RSS_FETCH_FEED_CONCURRENCY
HOST_DELAY_SECONDS = 1.0  # Scrapy template DOWNLOAD_DELAY

PAGE_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ACCEPTED_ENCODINGS = frozenset({"identity", "gzip", "x-gzip", "deflate"})

DEFAULT_INTERVAL_MINUTES = 60
MIN_INTERVAL_MINUTES = 10
MAX_INTERVAL_MINUTES = 24 * 60
UNCONDITIONAL_EVERY_MINUTES = 12 * 60  # TT-RSS MAX_CONDITIONAL_INTERVAL: validators can lie
FAILING_AFTER_FAILURES = 3  # Miniflux POLLING_PARSING_ERROR_LIMIT
DISABLE_AFTER_DAYS = 30  # TT-RSS DAEMON_UNSUCCESSFUL_DAYS_LIMIT
ROBOTS_CACHE_MINUTES = 24 * 60  # RFC 9309 §2.4
# A page that failed for a passing reason is fetched again by later runs after these pauses,
# then given up: 4 attempts over more than a day (Media Cloud backs feeds off up to 24 h).
PAGE_RETRY_DELAYS_MINUTES = (60, 6 * 60, 24 * 60)

# Field caps for every article, whatever its origin (issue 14: a 720-byte seed once stored a
# 52 MB title). A seed over a cap is a `too_large` failure naming its line; a page's or feed's
# over-long title or author is cut, and an article text over the cap is a `too_large` failure.
MAX_TITLE_CHARS = 2_000
MAX_AUTHOR_CHARS = 1_000
MAX_TEXT_CHARS = 1_000_000  # some 150,000 words: far beyond any news article
MAX_SEED_BYTES = MAX_PAGE_BYTES  # a seed file (a JSONL line) is read no larger than a page
