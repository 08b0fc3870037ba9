-- Open-world entities (issue 15): names the catalog does not know, found by context rules.

ALTER TABLE entities ADD COLUMN origin VARCHAR NOT NULL DEFAULT 'catalog';
ALTER TABLE entities ADD COLUMN family_id VARCHAR;
ALTER TABLE entities ADD COLUMN linked_entity_id VARCHAR;
COMMENT ON COLUMN entities.origin IS '''catalog'' (transforms/catalog/entities.yaml, with its Wikidata id when it has one) or ''discovered'' (found in articles by context rules: a role next to a person, a legal suffix, a version after a product; no Wikidata id).';
COMMENT ON COLUMN entities.family_id IS 'A discovered model version: the catalog entity of its family ("Llama 3.1" -> llama); NULL otherwise.';
COMMENT ON COLUMN entities.linked_entity_id IS 'A discovered entity the catalog has learned since: the catalog entity it is (entities.entity_id). Articles re-tagged with newsflow retag point at that entity instead.';

ALTER TABLE article_entities ADD COLUMN origin VARCHAR NOT NULL DEFAULT 'catalog';
ALTER TABLE article_entities ADD COLUMN cue VARCHAR;
COMMENT ON COLUMN article_entities.origin IS '''catalog'' or ''discovered'', as entities.origin when the article was tagged.';
COMMENT ON COLUMN article_entities.cue IS 'Discovered entities: the word that made the name an entity of its type ("ceo", "says", "Inc", "version", "Act"); NULL for catalog entities. The evidence column holds the spans.';
