-- feed_health says whether a source's latest poll failed, so a feed that just went dark shows
-- before it has failed three times in a row (state 'failing').
CREATE OR REPLACE VIEW feed_health AS
SELECT
    s.name AS source,
    s.url,
    s.enabled,
    s.state,
    s.consecutive_failures,
    s.last_success_at,
    s.next_poll_at,
    s.last_error_code,
    s.last_error,
    f.last_fetch_at,
    f.fetches,
    f.failed_fetches,
    coalesce(x.failures, 0) AS failures,
    x.last_failure_at,
    s.last_polled_at,
    -- a success sets last_success_at to the poll's time, a failure leaves it behind
    CASE WHEN s.last_polled_at IS NOT NULL
         THEN s.last_success_at IS NULL OR s.last_success_at < s.last_polled_at END
        AS last_poll_failed,
    s.validators_trusted
FROM sources s
LEFT JOIN (
    SELECT source, max(fetched_at) AS last_fetch_at, count(*) AS fetches,
           count(*) FILTER (WHERE error_code IS NOT NULL) AS failed_fetches
    FROM feed_fetches GROUP BY source
) f ON f.source = s.name
LEFT JOIN (
    SELECT source, count(*) AS failures, max("at") AS last_failure_at
    FROM failures GROUP BY source
) x ON x.source = s.name;
COMMENT ON VIEW feed_health IS 'Feed health: one row per source with its polling state, its poll history and the failures its items caused.';
COMMENT ON COLUMN feed_health.source IS 'Source name (sources.name).';
COMMENT ON COLUMN feed_health.url IS 'Feed URL.';
COMMENT ON COLUMN feed_health.enabled IS 'False when sources.yaml disables the source.';
COMMENT ON COLUMN feed_health.state IS 'active, failing (3+ consecutive failures) or disabled (no success for 30 days).';
COMMENT ON COLUMN feed_health.consecutive_failures IS 'Weighted failures since the last success.';
COMMENT ON COLUMN feed_health.last_success_at IS 'Last successful poll (UTC).';
COMMENT ON COLUMN feed_health.next_poll_at IS 'Earliest time the source is due again (UTC).';
COMMENT ON COLUMN feed_health.last_error_code IS 'error_code of the last failed poll (kept after a later success: see last_poll_failed).';
COMMENT ON COLUMN feed_health.last_error IS 'Full message of the last failed poll.';
COMMENT ON COLUMN feed_health.last_fetch_at IS 'Last poll recorded in feed_fetches (UTC).';
COMMENT ON COLUMN feed_health.fetches IS 'Polls recorded in feed_fetches; NULL when never polled.';
COMMENT ON COLUMN feed_health.failed_fetches IS 'Polls that ended with an error_code.';
COMMENT ON COLUMN feed_health.failures IS 'Rows in failures for this source (fetch, extract and other stages).';
COMMENT ON COLUMN feed_health.last_failure_at IS 'Latest of those failures (UTC).';
COMMENT ON COLUMN feed_health.last_polled_at IS 'Last poll attempt (UTC).';
COMMENT ON COLUMN feed_health.last_poll_failed IS 'True when the latest poll failed (even once, before the source is failing); NULL when never polled.';
COMMENT ON COLUMN feed_health.validators_trusted IS 'False once the server kept its ETag or Last-Modified for a changed body.';
