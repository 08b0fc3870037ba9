-- A seed's year or month date precision is kept with its raw page, so reprocessing keeps it
-- (0007 added articles.published_precision). Numbered 0010 to stay clear of branches' 0008/0009.

ALTER TABLE raw_documents ADD COLUMN IF NOT EXISTS given_published_precision VARCHAR;
COMMENT ON COLUMN raw_documents.given_published_precision IS 'The seed''s date precision (year or month), so reprocessing keeps it.';
