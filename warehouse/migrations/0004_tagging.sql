-- Tagging (issue: entity and topic tagging): entity salience and candidate names for the catalog.

ALTER TABLE article_entities ADD COLUMN score DOUBLE NOT NULL DEFAULT 0;
COMMENT ON COLUMN article_entities.score IS 'Salience: mentions weighted by position (title 3, first 600 characters 1.5, later 1); 0 for rows tagged before tagging v2.';

CREATE TABLE IF NOT EXISTS article_candidates (
    article_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, name)
);
COMMENT ON TABLE article_candidates IS 'Capitalised names an article uses that the entity catalog does not know yet; replaced whenever the article is (re)tagged.';
COMMENT ON COLUMN article_candidates.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_candidates.name IS 'The name as written, possessive and leading function words removed ("Anna Hehir", "Open Assistant").';
COMMENT ON COLUMN article_candidates.mentions IS 'How many times the article uses the name.';

CREATE OR REPLACE VIEW candidate_entities AS
SELECT
    c.name,
    count(*) AS articles,
    sum(c.mentions) AS mentions,
    list(c.article_id ORDER BY c.mentions DESC, c.article_id)[1:5] AS example_article_ids,
    list(a.title ORDER BY c.mentions DESC, c.article_id)[1:5] AS example_titles,
    min(a.first_seen_at) AS first_seen_at,
    max(a.last_seen_at) AS last_seen_at
FROM article_candidates AS c
JOIN articles AS a USING (article_id)
GROUP BY c.name;
COMMENT ON VIEW candidate_entities IS 'Names the catalog does not know yet, over all articles: the most frequent are candidates for transforms/catalog/entities.yaml.';
COMMENT ON COLUMN candidate_entities.name IS 'The candidate name as written in the articles.';
COMMENT ON COLUMN candidate_entities.articles IS 'Number of articles that use the name.';
COMMENT ON COLUMN candidate_entities.mentions IS 'Total uses of the name across those articles.';
COMMENT ON COLUMN candidate_entities.example_article_ids IS 'Up to five articles that use it most (articles.article_id).';
COMMENT ON COLUMN candidate_entities.example_titles IS 'Titles of those example articles, in the same order.';
COMMENT ON COLUMN candidate_entities.first_seen_at IS 'When newsflow first stored an article using the name (UTC).';
COMMENT ON COLUMN candidate_entities.last_seen_at IS 'When a run last saw an article using the name (UTC).';
