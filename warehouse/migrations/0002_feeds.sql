-- Feed polling state and history (issue: feed connector).

CREATE TABLE IF NOT EXISTS sources (
    name VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    tags VARCHAR[] NOT NULL,
    interval_minutes INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL,
    state VARCHAR NOT NULL,
    consecutive_failures DOUBLE NOT NULL DEFAULT 0,
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
COMMENT ON TABLE sources IS 'Feed health: one row per source of sources.yaml, with its polling state.';
COMMENT ON COLUMN sources.name IS 'Unique source name from sources.yaml.';
COMMENT ON COLUMN sources.url IS 'Feed URL.';
COMMENT ON COLUMN sources.kind IS 'rss, atom, json or auto.';
COMMENT ON COLUMN sources.tags IS 'Free-form tags from sources.yaml.';
COMMENT ON COLUMN sources.interval_minutes IS 'Configured base poll interval in minutes.';
COMMENT ON COLUMN sources.enabled IS 'False when sources.yaml disables the source.';
COMMENT ON COLUMN sources.state IS 'active, failing (3+ consecutive failures) or disabled (no success for 30 days).';
COMMENT ON COLUMN sources.consecutive_failures IS 'Weighted failures since the last success (hard 1, soft 0.5, temporary 0.25).';
COMMENT ON COLUMN sources.last_polled_at IS 'Last poll attempt (UTC).';
COMMENT ON COLUMN sources.last_success_at IS 'Last successful poll (UTC), 304 included.';
COMMENT ON COLUMN sources.next_poll_at IS 'Earliest time the source is due again (UTC).';
COMMENT ON COLUMN sources.etag IS 'ETag validator from the last 200 response.';
COMMENT ON COLUMN sources.last_modified IS 'Last-Modified validator from the last 200 response.';
COMMENT ON COLUMN sources.body_sha256 IS 'Hash of the last feed body, to detect unchanged feeds whatever the validators say.';
COMMENT ON COLUMN sources.last_unconditional_at IS 'Last fetch sent without validators (forced at least every 12 h).';
COMMENT ON COLUMN sources.validators_trusted IS 'False once the server answered 304 for a changed feed or changed the body under the same ETag.';
COMMENT ON COLUMN sources.last_error_code IS 'error_code of the last failed poll.';
COMMENT ON COLUMN sources.last_error IS 'Message of the last failed poll.';

CREATE TABLE IF NOT EXISTS feed_fetches (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    url VARCHAR NOT NULL,
    status INTEGER,
    bytes BIGINT,
    duration_ms DOUBLE,
    items_new INTEGER,
    items_seen INTEGER,
    error_code VARCHAR
);
COMMENT ON TABLE feed_fetches IS 'One row per feed poll: what came back and what it yielded.';
COMMENT ON COLUMN feed_fetches.run_id IS 'The run that polled (runs.run_id).';
COMMENT ON COLUMN feed_fetches.source IS 'Source name (sources.name).';
COMMENT ON COLUMN feed_fetches.fetched_at IS 'When the poll started (UTC).';
COMMENT ON COLUMN feed_fetches.url IS 'Final URL after redirects.';
COMMENT ON COLUMN feed_fetches.status IS 'HTTP status (304 = not modified); NULL when no response arrived.';
COMMENT ON COLUMN feed_fetches.bytes IS 'Decompressed body size in bytes.';
COMMENT ON COLUMN feed_fetches.duration_ms IS 'Wall time of the request, redirects included.';
COMMENT ON COLUMN feed_fetches.items_new IS 'Entries not seen before.';
COMMENT ON COLUMN feed_fetches.items_seen IS 'Entries already known.';
COMMENT ON COLUMN feed_fetches.error_code IS 'Typed failure (dns_error, http_status, not_a_feed, ...); NULL on success.';

CREATE TABLE IF NOT EXISTS feed_items (
    source VARCHAR NOT NULL,
    guid VARCHAR NOT NULL,
    url VARCHAR,
    canonical_url VARCHAR,
    title VARCHAR,
    summary VARCHAR,
    published_at TIMESTAMP,
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, guid)
);
COMMENT ON TABLE feed_items IS 'Every feed entry ever seen, also when its article could not be fetched.';
COMMENT ON COLUMN feed_items.source IS 'Source name (sources.name).';
COMMENT ON COLUMN feed_items.guid IS 'Entry id (guid/id), or its link when the feed gives none.';
COMMENT ON COLUMN feed_items.url IS 'Entry link, resolved against the final feed URL.';
COMMENT ON COLUMN feed_items.canonical_url IS 'Canonical form of url: the key shared with articles.canonical_url.';
COMMENT ON COLUMN feed_items.title IS 'Entry title as the feed gives it.';
COMMENT ON COLUMN feed_items.summary IS 'Entry summary/description (text).';
COMMENT ON COLUMN feed_items.published_at IS 'Entry date (UTC), published or else updated.';
COMMENT ON COLUMN feed_items.first_seen_at IS 'When newsflow first saw the entry (UTC).';
