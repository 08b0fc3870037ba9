-- Every feed item ends as an article or a failure (issue 14): the state of its page fetch is
-- kept with the item, so pages a crashed run never fetched, and pages that failed for a
-- passing reason, are fetched by later runs.

ALTER TABLE feed_items ADD COLUMN IF NOT EXISTS page_state VARCHAR;
ALTER TABLE feed_items ADD COLUMN IF NOT EXISTS page_attempts INTEGER DEFAULT 0;
ALTER TABLE feed_items ADD COLUMN IF NOT EXISTS page_next_attempt_at TIMESTAMP;
-- Items stored before this migration: done when their article exists, else due for a retry
-- (their first attempt failed or was lost; later runs try the rest of the attempts).
UPDATE feed_items SET
    page_state = CASE
        WHEN duplicate_of_seen OR url IS NULL THEN 'skipped'
        WHEN canonical_url IN (SELECT canonical_url FROM articles) THEN 'done'
        ELSE 'retry' END,
    page_attempts = CASE WHEN duplicate_of_seen OR url IS NULL THEN 0 ELSE 1 END
WHERE page_state IS NULL;
COMMENT ON COLUMN feed_items.page_state IS 'The item''s page: pending (not fetched yet), retry (failed for a passing reason; fetched again from page_next_attempt_at), done (its article is stored), failed (for good: a refusal, a 4xx, an empty extraction, or every attempt used) or skipped (duplicate or no link).';
COMMENT ON COLUMN feed_items.page_attempts IS 'Page fetches that ended in a failure row.';
COMMENT ON COLUMN feed_items.page_next_attempt_at IS 'When a page in state retry is due again (UTC); backs off 1 h, 6 h, 24 h, then failed.';
COMMENT ON COLUMN feed_fetches.duration_ms IS 'Wall time of this feed''s own work: its request (redirects included, waiting for a free slot on its host excluded) plus parsing its body.';
