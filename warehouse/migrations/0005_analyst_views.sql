-- Analyst views over the warehouse, and load-batch lineage (issue: the DuckDB warehouse for analysts).
-- Views only read tables of schema.sql and 0002_feeds.sql; every view and column is commented.

CREATE TABLE IF NOT EXISTS load_batches (
    batch_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    spooled_at TIMESTAMP NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    articles INTEGER NOT NULL,
    failures INTEGER NOT NULL
);
COMMENT ON TABLE load_batches IS 'Every spooled batch loaded into the warehouse, once: a batch replayed after a crash is recognised here and skipped.';
COMMENT ON COLUMN load_batches.batch_id IS 'Spool file name of the batch (unique per batch).';
COMMENT ON COLUMN load_batches.run_id IS 'The run that fetched and spooled the batch (runs.run_id).';
COMMENT ON COLUMN load_batches.spooled_at IS 'When the batch was staged in the spool (UTC).';
COMMENT ON COLUMN load_batches.loaded_at IS 'When its load transaction committed (UTC); later than spooled_at by a whole run when a failed run left it behind.';
COMMENT ON COLUMN load_batches.articles IS 'Articles in the batch (new, updated and unchanged).';
COMMENT ON COLUMN load_batches.failures IS 'Failure rows the batch carried.';

CREATE OR REPLACE VIEW articles_enriched AS
SELECT
    a.article_id,
    a.published_at,
    a.title,
    a.source,
    a.url,
    coalesce((SELECT list(t.topic ORDER BY t.score DESC, t.topic)
              FROM article_topics t WHERE t.article_id = a.article_id), []) AS topics,
    coalesce((SELECT list(e.name ORDER BY ae.mentions DESC, e.name)
              FROM article_entities ae JOIN entities e USING (entity_id)
              WHERE ae.article_id = a.article_id), []) AS entities,
    a.word_count,
    a.run_id,
    a.fetched_at,
    a.extractor_version,
    a.tagger_version
FROM articles a;
COMMENT ON VIEW articles_enriched IS 'One row per article with its topics and entity names as lists, and its lineage: the usual starting point.';
COMMENT ON COLUMN articles_enriched.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN articles_enriched.published_at IS 'Publication time (UTC), when known.';
COMMENT ON COLUMN articles_enriched.title IS 'Headline (articles.title).';
COMMENT ON COLUMN articles_enriched.source IS 'Source name, or seeds.';
COMMENT ON COLUMN articles_enriched.url IS 'Where the article was found.';
COMMENT ON COLUMN articles_enriched.topics IS 'Topics of the article, strongest first; [] when none applies. Filter with list_contains(topics, ''regulation'').';
COMMENT ON COLUMN articles_enriched.entities IS 'Canonical names of the entities it mentions, most mentioned first; [] when none.';
COMMENT ON COLUMN articles_enriched.word_count IS 'Words in the text.';
COMMENT ON COLUMN articles_enriched.run_id IS 'Lineage: the run that last wrote the article (runs.run_id).';
COMMENT ON COLUMN articles_enriched.fetched_at IS 'Lineage: when the stored version was fetched or read (UTC).';
COMMENT ON COLUMN articles_enriched.extractor_version IS 'Lineage: extractor that produced the text.';
COMMENT ON COLUMN articles_enriched.tagger_version IS 'Lineage: catalog and tagger that produced the tags.';

CREATE OR REPLACE VIEW topic_daily AS
SELECT a.published_at::DATE AS day, t.topic, count(*) AS articles
FROM articles a JOIN article_topics t USING (article_id)
WHERE a.published_at IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW topic_daily IS 'Articles per topic per publication day (articles without a date are left out).';
COMMENT ON COLUMN topic_daily.day IS 'Publication day (UTC).';
COMMENT ON COLUMN topic_daily.topic IS 'Topic (article_topics.topic).';
COMMENT ON COLUMN topic_daily.articles IS 'Articles published that day with that topic.';

CREATE OR REPLACE VIEW topic_weekly AS
SELECT date_trunc('week', a.published_at)::DATE AS week, t.topic, count(*) AS articles
FROM articles a JOIN article_topics t USING (article_id)
WHERE a.published_at IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW topic_weekly IS 'Articles per topic per ISO week of publication (articles without a date are left out).';
COMMENT ON COLUMN topic_weekly.week IS 'Monday of the publication week (UTC).';
COMMENT ON COLUMN topic_weekly.topic IS 'Topic (article_topics.topic).';
COMMENT ON COLUMN topic_weekly.articles IS 'Articles published that week with that topic.';

CREATE OR REPLACE VIEW entity_comentions AS
SELECT
    e1.entity_id,
    e1.name AS entity,
    e2.entity_id AS co_entity_id,
    e2.name AS co_entity,
    e2.type AS co_type,
    count(*) AS articles,
    max(a.published_at) AS last_published_at
FROM article_entities x
JOIN article_entities y ON x.article_id = y.article_id AND x.entity_id <> y.entity_id
JOIN entities e1 ON e1.entity_id = x.entity_id
JOIN entities e2 ON e2.entity_id = y.entity_id
JOIN articles a ON a.article_id = x.article_id
GROUP BY ALL;
COMMENT ON VIEW entity_comentions IS 'Pairs of entities mentioned in the same article, in both directions: filter on entity to see who appears alongside it.';
COMMENT ON COLUMN entity_comentions.entity_id IS 'The entity asked about (entities.entity_id).';
COMMENT ON COLUMN entity_comentions.entity IS 'Its canonical name.';
COMMENT ON COLUMN entity_comentions.co_entity_id IS 'An entity mentioned in the same articles (entities.entity_id).';
COMMENT ON COLUMN entity_comentions.co_entity IS 'Its canonical name.';
COMMENT ON COLUMN entity_comentions.co_type IS 'Its type: person, company, ai_lab, product, regulator, law or organization.';
COMMENT ON COLUMN entity_comentions.articles IS 'Articles that mention both.';
COMMENT ON COLUMN entity_comentions.last_published_at IS 'Latest publication time among those articles (UTC).';

CREATE OR REPLACE VIEW entity_daily AS
SELECT
    a.published_at::DATE AS day,
    e.entity_id,
    e.name,
    e.type,
    count(*) AS articles,
    sum(ae.mentions) AS mentions
FROM article_entities ae
JOIN entities e USING (entity_id)
JOIN articles a USING (article_id)
WHERE a.published_at IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW entity_daily IS 'Entity mentions over time: articles and mentions per entity per publication day; roll up with date_trunc(''week'', day).';
COMMENT ON COLUMN entity_daily.day IS 'Publication day (UTC).';
COMMENT ON COLUMN entity_daily.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN entity_daily.name IS 'Its canonical name.';
COMMENT ON COLUMN entity_daily.type IS 'Its type: person, company, ai_lab, product, regulator, law or organization.';
COMMENT ON COLUMN entity_daily.articles IS 'Articles published that day that mention it.';
COMMENT ON COLUMN entity_daily.mentions IS 'Mentions in those articles.';

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
    x.last_failure_at
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
COMMENT ON COLUMN feed_health.last_error_code IS 'error_code of the last failed poll: why it is failing.';
COMMENT ON COLUMN feed_health.last_error IS 'Message of the last failed poll.';
COMMENT ON COLUMN feed_health.last_fetch_at IS 'Last poll recorded in feed_fetches (UTC).';
COMMENT ON COLUMN feed_health.fetches IS 'Polls recorded in feed_fetches; NULL when never polled.';
COMMENT ON COLUMN feed_health.failed_fetches IS 'Polls that ended with an error_code.';
COMMENT ON COLUMN feed_health.failures IS 'Rows in failures for this source (fetch, extract and other stages).';
COMMENT ON COLUMN feed_health.last_failure_at IS 'Latest of those failures (UTC).';
