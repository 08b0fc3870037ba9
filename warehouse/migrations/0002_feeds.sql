-- Feed polling state and history (issue 3: feed connector).

CREATE TABLE IF NOT EXISTS sources (
    name VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    tags VARCHAR[] NOT NULL,
    interval_minutes INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL,
    state VARCHAR NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    poll_interval_minutes INTEGER,
    tracked_since TIMESTAMP NOT NULL,
    last_polled_at TIMESTAMP,
    last_success_at TIMESTAMP,
    next_poll_at TIMESTAMP,
    etag VARCHAR,
    last_modified VARCHAR,
    body_sha256 VARCHAR,
    last_unconditional_at TIMESTAMP,
    validators_trusted BOOLEAN NOT NULL DEFAULT true,
    last_error_code VARCHAR,
    last_error VARCHAR
);
COMMENT ON TABLE sources IS 'Feed health: one row per source ever listed in sources.yaml, with its polling state.';
COMMENT ON COLUMN sources.name IS 'Unique source name from sources.yaml; feed_items.source and articles.source use it.';
COMMENT ON COLUMN sources.url IS 'Feed URL as configured.';
COMMENT ON COLUMN sources.kind IS 'rss, atom, json or auto (sniffed from the body).';
COMMENT ON COLUMN sources.tags IS 'Free-form tags from sources.yaml.';
COMMENT ON COLUMN sources.interval_minutes IS 'Configured base poll interval in minutes.';
COMMENT ON COLUMN sources.enabled IS 'False when sources.yaml disables the source (or it left the file): not polled.';
COMMENT ON COLUMN sources.state IS 'active, failing (3+ consecutive failed polls) or disabled (no success for 30 days; `newsflow sources enable NAME` re-enables).';
COMMENT ON COLUMN sources.consecutive_failures IS 'Failed polls since the last success; drives the linear backoff.';
COMMENT ON COLUMN sources.poll_interval_minutes IS 'Current adaptive interval in minutes, within [10, 1440].';
COMMENT ON COLUMN sources.tracked_since IS 'When the source was added or last re-enabled (UTC): the 30-day disable clock starts here at the latest.';
COMMENT ON COLUMN sources.last_polled_at IS 'Last poll attempt (UTC).';
COMMENT ON COLUMN sources.last_success_at IS 'Last successful poll (UTC), 304 included.';
COMMENT ON COLUMN sources.next_poll_at IS 'Earliest time the source is due again (UTC); NULL = due now.';
COMMENT ON COLUMN sources.etag IS 'ETag validator from the last 200 response.';
COMMENT ON COLUMN sources.last_modified IS 'Last-Modified validator from the last 200 response.';
COMMENT ON COLUMN sources.body_sha256 IS 'SHA-256 of the last parsed feed body: an identical body is not parsed again, whatever the validators say.';
COMMENT ON COLUMN sources.last_unconditional_at IS 'Last poll sent without validators; one is forced at least every 12 h.';
COMMENT ON COLUMN sources.validators_trusted IS 'False once the server kept its ETag or Last-Modified for a changed body; then no conditional requests are sent.';
COMMENT ON COLUMN sources.last_error_code IS 'error_code of the last failed poll (kept after recovery, for history).';
COMMENT ON COLUMN sources.last_error IS 'Message of the last failed poll.';

CREATE TABLE IF NOT EXISTS feed_fetches (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    url VARCHAR NOT NULL,
    conditional BOOLEAN NOT NULL,
    status INTEGER,
    bytes BIGINT,
    duration_ms DOUBLE,
    unchanged BOOLEAN NOT NULL,
    items_new INTEGER,
    items_seen INTEGER,
    entries_dropped INTEGER,
    error_code VARCHAR,
    warning VARCHAR
);
COMMENT ON TABLE feed_fetches IS 'One row per feed poll: what came back and what it yielded.';
COMMENT ON COLUMN feed_fetches.run_id IS 'The run that polled (runs.run_id).';
COMMENT ON COLUMN feed_fetches.source IS 'Source name (sources.name).';
COMMENT ON COLUMN feed_fetches.fetched_at IS 'When the poll started (UTC).';
COMMENT ON COLUMN feed_fetches.url IS 'Final URL after redirects.';
COMMENT ON COLUMN feed_fetches.conditional IS 'True when If-None-Match / If-Modified-Since were sent.';
COMMENT ON COLUMN feed_fetches.status IS 'HTTP status (304 = not modified); NULL when no response arrived.';
COMMENT ON COLUMN feed_fetches.bytes IS 'Decompressed body size in bytes.';
COMMENT ON COLUMN feed_fetches.duration_ms IS 'Wall time of the request, redirects included.';
COMMENT ON COLUMN feed_fetches.unchanged IS 'True for a 304 or a body identical to the last one (not parsed again).';
COMMENT ON COLUMN feed_fetches.items_new IS 'Entries not seen before (by GUID in this feed or canonical URL anywhere).';
COMMENT ON COLUMN feed_fetches.items_seen IS 'Entries already known; NULL when the feed was unchanged and not parsed.';
COMMENT ON COLUMN feed_fetches.entries_dropped IS 'Entries beyond the 2,000 accepted per fetch.';
COMMENT ON COLUMN feed_fetches.error_code IS 'Typed failure (dns_error, http_status, not_a_feed, ...); NULL on success.';
COMMENT ON COLUMN feed_fetches.warning IS 'Why the parser flagged a feed it could still read (malformed XML, wrong encoding).';

CREATE TABLE IF NOT EXISTS feed_items (
    source VARCHAR NOT NULL,
    guid VARCHAR NOT NULL,
    url VARCHAR,
    canonical_url VARCHAR,
    title VARCHAR,
    summary VARCHAR,
    author VARCHAR,
    published_at TIMESTAMP,
    first_seen_at TIMESTAMP NOT NULL,
    duplicate_of_seen BOOLEAN NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (source, guid)
);
COMMENT ON TABLE feed_items IS 'Every feed entry ever seen, also when its article could not be fetched.';
COMMENT ON COLUMN feed_items.source IS 'Source name (sources.name).';
COMMENT ON COLUMN feed_items.guid IS 'Entry id (guid/id), else its link, else a hash of title and summary.';
COMMENT ON COLUMN feed_items.url IS 'Entry link resolved against the final feed URL; NULL when the entry has no http(s) link (no article is fetched).';
COMMENT ON COLUMN feed_items.canonical_url IS 'Canonical form of url: the key shared with articles.canonical_url.';
COMMENT ON COLUMN feed_items.title IS 'Entry title as plain text.';
COMMENT ON COLUMN feed_items.summary IS 'Entry summary/description as plain text (at most 5,000 characters).';
COMMENT ON COLUMN feed_items.author IS 'Entry author as the feed gives it.';
COMMENT ON COLUMN feed_items.published_at IS 'Entry date (UTC), published or else updated.';
COMMENT ON COLUMN feed_items.first_seen_at IS 'When newsflow first saw the entry in this source (UTC).';
COMMENT ON COLUMN feed_items.duplicate_of_seen IS 'True when its canonical URL was already known (another entry, feed or article): no page fetch.';
COMMENT ON COLUMN feed_items.run_id IS 'The run that first saw it (runs.run_id).';
