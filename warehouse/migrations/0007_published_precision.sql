-- A seed may date its article by year or month only (issue 13): the article is kept, dated to
-- the first day of that period, and the column says how much of published_at is known.

ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_precision VARCHAR;
COMMENT ON COLUMN articles.published_precision IS 'year or month when the seed gave only that much of the date (published_at is then the first day of it); NULL for a full date or time, and for feed articles.';
