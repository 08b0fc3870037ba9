-- Extraction metadata, article identity links, near-duplicate stories and raw page retention
-- (issue: article extraction at benchmark quality).

ALTER TABLE articles ADD COLUMN IF NOT EXISTS authors VARCHAR[];
ALTER TABLE articles ADD COLUMN IF NOT EXISTS site_name VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS lead_image_url VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS page_canonical_url VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS story_id VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS raw_sha256 VARCHAR;
COMMENT ON COLUMN articles.authors IS 'Every author the page or seed names, in page order (author joins them with "; ").';
COMMENT ON COLUMN articles.site_name IS 'Site name the page declares (og:site_name, JSON-LD publisher), if any.';
COMMENT ON COLUMN articles.lead_image_url IS 'Lead image URL the page declares (og:image, JSON-LD image), if any.';
COMMENT ON COLUMN articles.page_canonical_url IS 'The page''s own rel=canonical / og:url as given; canonical_url honours it only on the same site.';
COMMENT ON COLUMN articles.story_id IS 'Near-duplicate story the article belongs to (stories.story_id); NULL for articles loaded before stories existed.';
COMMENT ON COLUMN articles.raw_sha256 IS 'SHA-256 of the raw page the text was extracted from (raw_documents.sha256); NULL for plain-text seeds.';

CREATE TABLE IF NOT EXISTS article_links (
    article_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (article_id, source, url)
);
COMMENT ON TABLE article_links IS 'Every source and URL an article was found under: the same article from two feeds is one articles row and two links.';
COMMENT ON COLUMN article_links.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_links.source IS 'Source name from sources.yaml, or seeds.';
COMMENT ON COLUMN article_links.url IS 'The URL as that source gave it, before canonicalisation.';
COMMENT ON COLUMN article_links.origin IS 'feed or seed.';
COMMENT ON COLUMN article_links.first_seen_at IS 'When this source first led to the article (UTC).';
COMMENT ON COLUMN article_links.last_seen_at IS 'When this source last led to the article (UTC).';
COMMENT ON COLUMN article_links.run_id IS 'The run that last saw this link (runs.run_id).';

CREATE OR REPLACE VIEW article_exact_duplicates AS
SELECT a.article_id, a.content_hash, first_value(a.article_id) OVER (
        PARTITION BY a.content_hash ORDER BY a.first_seen_at, a.article_id
    ) AS duplicate_of
FROM articles AS a
QUALIFY count(*) OVER (PARTITION BY a.content_hash) > 1 AND a.article_id <> duplicate_of;
COMMENT ON VIEW article_exact_duplicates IS 'Articles whose normalised text equals an earlier article''s under another URL, linked to that first article.';
COMMENT ON COLUMN article_exact_duplicates.article_id IS 'The later article (articles.article_id).';
COMMENT ON COLUMN article_exact_duplicates.content_hash IS 'The shared articles.content_hash.';
COMMENT ON COLUMN article_exact_duplicates.duplicate_of IS 'The first article stored with this text (earliest first_seen_at).';

CREATE TABLE IF NOT EXISTS stories (
    story_id VARCHAR PRIMARY KEY,
    first_article_id VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    articles INTEGER NOT NULL
);
COMMENT ON TABLE stories IS 'Near-duplicate stories (wire copies, light rewrites, one page with and without navigation noise); ids persist across runs.';
COMMENT ON COLUMN stories.story_id IS 'Stable id: the article_id of the story''s first article.';
COMMENT ON COLUMN stories.first_article_id IS 'The article that founded the story (articles.article_id).';
COMMENT ON COLUMN stories.created_at IS 'When the story was founded (UTC).';
COMMENT ON COLUMN stories.updated_at IS 'When an article last joined the story (UTC).';
COMMENT ON COLUMN stories.articles IS 'Number of articles in the story.';

CREATE TABLE IF NOT EXISTS article_sketches (
    article_id VARCHAR PRIMARY KEY,
    shingles INTEGER NOT NULL,
    hashes BIGINT[] NOT NULL
);
COMMENT ON TABLE article_sketches IS 'Similarity sketch of each article text: bottom-128 MinHash of 3-word shingles (transforms/stories.py).';
COMMENT ON COLUMN article_sketches.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_sketches.shingles IS 'Number of distinct 3-word shingles in the text.';
COMMENT ON COLUMN article_sketches.hashes IS 'The 128 smallest 63-bit shingle hashes, ascending.';

CREATE TABLE IF NOT EXISTS story_index (
    hash BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
COMMENT ON TABLE story_index IS 'Candidate index for story assignment: the 32 smallest sketch hashes of every article.';
COMMENT ON COLUMN story_index.hash IS 'One of the article''s 32 smallest shingle hashes.';
COMMENT ON COLUMN story_index.article_id IS 'The article (articles.article_id).';

CREATE TABLE IF NOT EXISTS raw_documents (
    url VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    final_url VARCHAR,
    source VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    status INTEGER,
    content_type VARCHAR,
    bytes BIGINT NOT NULL,
    stored_bytes BIGINT NOT NULL,
    storage_path VARCHAR NOT NULL,
    given_title VARCHAR,
    given_author VARCHAR,
    given_published_at TIMESTAMP,
    location VARCHAR NOT NULL,
    article_id VARCHAR,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (url, sha256)
);
COMMENT ON TABLE raw_documents IS 'Every fetched page and HTML seed, kept for re-extraction (newsflow reprocess); the bytes live gzip-compressed and content-addressed beside the database.';
COMMENT ON COLUMN raw_documents.url IS 'The URL the page was requested at (seed:// for seed files).';
COMMENT ON COLUMN raw_documents.sha256 IS 'SHA-256 of the uncompressed page bytes: the storage key.';
COMMENT ON COLUMN raw_documents.final_url IS 'URL after redirects, when it differs.';
COMMENT ON COLUMN raw_documents.source IS 'Source name from sources.yaml, or seeds.';
COMMENT ON COLUMN raw_documents.origin IS 'feed or seed.';
COMMENT ON COLUMN raw_documents.fetched_at IS 'When these bytes were last fetched or read (UTC).';
COMMENT ON COLUMN raw_documents.status IS 'HTTP status; NULL for seed files.';
COMMENT ON COLUMN raw_documents.content_type IS 'Content-Type header (charset included) the page came with.';
COMMENT ON COLUMN raw_documents.bytes IS 'Page size in bytes, uncompressed.';
COMMENT ON COLUMN raw_documents.stored_bytes IS 'Size of the compressed file in raw storage.';
COMMENT ON COLUMN raw_documents.storage_path IS 'File under the raw store beside the database: <db name>-raw/<sha256[:2]>/<sha256>.html.gz.';
COMMENT ON COLUMN raw_documents.given_title IS 'Title the seed or feed entry gave, reused on re-extraction.';
COMMENT ON COLUMN raw_documents.given_author IS 'Author the seed or feed entry gave, reused on re-extraction.';
COMMENT ON COLUMN raw_documents.given_published_at IS 'Date the seed or feed entry gave (seed: wins; feed: fallback), reused on re-extraction.';
COMMENT ON COLUMN raw_documents.location IS 'Where it came from, for error messages (seed path or URL).';
COMMENT ON COLUMN raw_documents.article_id IS 'The article extracted from it (articles.article_id); NULL when extraction failed.';
COMMENT ON COLUMN raw_documents.run_id IS 'The run that last stored or saw it (runs.run_id).';
