-- newsflow warehouse, schema version 1. Later changes are numbered files in
-- warehouse/migrations/, applied in order and recorded in _migrations.
-- All timestamps are UTC (TIMESTAMP without time zone).

CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    flow VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    articles_new INTEGER,
    articles_updated INTEGER,
    articles_unchanged INTEGER,
    failures INTEGER
);
COMMENT ON TABLE runs IS 'One row per pipeline run (ingest, reprocess, retag, backfill): when, what it did and how it ended.';
COMMENT ON COLUMN runs.run_id IS 'Prefect flow-run id; articles.run_id and failures.run_id point here.';
COMMENT ON COLUMN runs.flow IS 'Which flow ran: ingest, reprocess, retag, backfill.';
COMMENT ON COLUMN runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'When the run finished (UTC); NULL while running or if it crashed.';
COMMENT ON COLUMN runs.status IS 'running, completed or failed.';
COMMENT ON COLUMN runs.articles_new IS 'Articles seen for the first time in this run.';
COMMENT ON COLUMN runs.articles_updated IS 'Known articles whose text, metadata or tags changed in this run.';
COMMENT ON COLUMN runs.articles_unchanged IS 'Known articles seen again without any change.';
COMMENT ON COLUMN runs.failures IS 'Failure rows this run recorded (see failures).';

CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    title VARCHAR,
    title_derived BOOLEAN NOT NULL,
    author VARCHAR,
    published_at TIMESTAMP,
    language VARCHAR,
    text VARCHAR NOT NULL,
    word_count INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    extractor_version VARCHAR NOT NULL,
    tagger_version VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL
);
COMMENT ON TABLE articles IS 'One row per article, keyed by its canonical URL; the latest extraction wins.';
COMMENT ON COLUMN articles.article_id IS 'Stable key: a hash of canonical_url.';
COMMENT ON COLUMN articles.url IS 'The URL the article was found at (seed:// for seed files without a URL).';
COMMENT ON COLUMN articles.canonical_url IS 'URL without tracking parameters, fragment or default port: the identity of the article.';
COMMENT ON COLUMN articles.source IS 'Where it came from: a source name from sources.yaml, or seeds.';
COMMENT ON COLUMN articles.origin IS 'feed or seed.';
COMMENT ON COLUMN articles.title IS 'Headline; derived from the first sentence when the input had none (see title_derived).';
COMMENT ON COLUMN articles.title_derived IS 'True when the title was derived from the text rather than given.';
COMMENT ON COLUMN articles.author IS 'Author(s) as given by the page or seed, if any.';
COMMENT ON COLUMN articles.published_at IS 'Publication time (UTC): from the seed, the page metadata or the feed entry.';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 language code of the text, when known.';
COMMENT ON COLUMN articles.text IS 'Clean article text: paragraphs separated by blank lines.';
COMMENT ON COLUMN articles.word_count IS 'Number of whitespace-separated words in text.';
COMMENT ON COLUMN articles.content_hash IS 'SHA-256 of the case- and whitespace-folded text: equal hashes mean the same text.';
COMMENT ON COLUMN articles.first_seen_at IS 'When newsflow first stored this article (UTC).';
COMMENT ON COLUMN articles.last_seen_at IS 'When a run last saw this article (UTC).';
COMMENT ON COLUMN articles.fetched_at IS 'When the stored version was fetched or read (UTC).';
COMMENT ON COLUMN articles.extractor_version IS 'Version of the extractor that produced text: re-run older ones with newsflow reprocess.';
COMMENT ON COLUMN articles.tagger_version IS 'Version of the catalog and tagger that produced the tags: refresh with newsflow retag.';
COMMENT ON COLUMN articles.run_id IS 'The run that last wrote this row (runs.run_id).';

CREATE TABLE IF NOT EXISTS article_topics (
    article_id VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    evidence VARCHAR[] NOT NULL,
    PRIMARY KEY (article_id, topic)
);
COMMENT ON TABLE article_topics IS 'Topics an article substantially discusses (one row per article and topic).';
COMMENT ON COLUMN article_topics.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_topics.topic IS 'One of: open-source, regulation, safety, funding, chips-hardware, research, product-launch, legal-copyright, labor-jobs, geopolitics, not-ai.';
COMMENT ON COLUMN article_topics.score IS 'Weighted evidence score; the topic applies above the taxonomy threshold.';
COMMENT ON COLUMN article_topics.evidence IS 'Matched terms with their character offsets ("term@offset"), strongest first.';

CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    wikidata_id VARCHAR
);
COMMENT ON TABLE entities IS 'Catalog entities (companies, labs, people, products, regulators, laws) that articles mention.';
COMMENT ON COLUMN entities.entity_id IS 'Stable slug from the catalog file.';
COMMENT ON COLUMN entities.name IS 'Canonical name (Meta, Google DeepMind, Yann LeCun, ...).';
COMMENT ON COLUMN entities.type IS 'person, company, ai_lab, product, regulator, law or organization.';
COMMENT ON COLUMN entities.wikidata_id IS 'Wikidata Q-id, when the entity has one.';

CREATE TABLE IF NOT EXISTS article_entities (
    article_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,
    evidence VARCHAR[] NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
COMMENT ON TABLE article_entities IS 'Which entities each article mentions, how often and where.';
COMMENT ON COLUMN article_entities.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_entities.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN article_entities.mentions IS 'Number of mentions in title and text, surname-only mentions included.';
COMMENT ON COLUMN article_entities.evidence IS 'Matched strings with their character offsets ("LeCun@812"), first ones first.';

CREATE TABLE IF NOT EXISTS failures (
    "at" TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    url_or_path VARCHAR NOT NULL,
    error_code VARCHAR NOT NULL,
    message VARCHAR NOT NULL
);
COMMENT ON TABLE failures IS 'Every input that could not be used, one row per occurrence; the run went on without it.';
COMMENT ON COLUMN failures."at" IS 'When the failure happened (UTC). AT is an SQL keyword: quote it, failures."at".';
COMMENT ON COLUMN failures.run_id IS 'The run that met it (runs.run_id).';
COMMENT ON COLUMN failures.stage IS 'seed, fetch, extract, tag or load.';
COMMENT ON COLUMN failures.source IS 'Source name from sources.yaml, or seeds.';
COMMENT ON COLUMN failures.url_or_path IS 'The URL, or the seed path (with #line for JSONL lines).';
COMMENT ON COLUMN failures.error_code IS 'Typed cause, e.g. bad_date, bad_json, undecodable, empty_body, extraction_empty, dns_error, blocked_address.';
COMMENT ON COLUMN failures.message IS 'Human-readable error naming the file and line or the URL.';
