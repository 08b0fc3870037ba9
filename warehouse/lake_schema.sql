-- The lake's own tables (DuckLake only; warehouse/lake.py applies them before the migrations).

CREATE TABLE IF NOT EXISTS merge_cursor (
    merges BIGINT NOT NULL,
    merged_at TIMESTAMP
);
COMMENT ON TABLE merge_cursor IS 'One row that every write transaction on the curated tables updates: of two concurrent writers, DuckLake aborts one, which retries.';
COMMENT ON COLUMN merge_cursor.merges IS 'Write transactions committed on the curated tables.';
COMMENT ON COLUMN merge_cursor.merged_at IS 'When the last one committed (UTC).';
INSERT INTO merge_cursor SELECT 0, NULL WHERE NOT EXISTS (SELECT 1 FROM merge_cursor);

CREATE TABLE IF NOT EXISTS staged_batches (
    batch_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    spooled_at TIMESTAMP NOT NULL,
    staged_at TIMESTAMP NOT NULL,
    articles INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    payload VARCHAR NOT NULL
);
COMMENT ON TABLE staged_batches IS 'Batches appended by writers without a lock, merged into the curated tables once (see load_batches).';
COMMENT ON COLUMN staged_batches.batch_id IS 'Spool file name of the batch; a writer killed between its append and deleting the file appends it twice.';
COMMENT ON COLUMN staged_batches.run_id IS 'The run that fetched and staged it (runs.run_id).';
COMMENT ON COLUMN staged_batches.spooled_at IS 'When the batch was staged in its spool (UTC).';
COMMENT ON COLUMN staged_batches.staged_at IS 'When its append committed to the lake (UTC).';
COMMENT ON COLUMN staged_batches.articles IS 'Articles in the batch.';
COMMENT ON COLUMN staged_batches.failures IS 'Failure rows the batch carries.';
COMMENT ON COLUMN staged_batches.payload IS 'The spool file, as JSON.';

CREATE TABLE IF NOT EXISTS _view_column_comments (
    view_name VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    comment VARCHAR NOT NULL
);
COMMENT ON TABLE _view_column_comments IS 'Comments on the columns of views, which DuckLake cannot hold: the embedded warehouse''s COMMENT ON COLUMN of a view becomes a row here.';
COMMENT ON COLUMN _view_column_comments.view_name IS 'The view.';
COMMENT ON COLUMN _view_column_comments.column_name IS 'Its column.';
COMMENT ON COLUMN _view_column_comments.comment IS 'What the column holds.';
