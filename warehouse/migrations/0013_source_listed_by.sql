-- Several processes may share one warehouse (a lake), each syncing a sources file of its own:
-- each source remembers the file that listed it last, so that on a lake only that file's sync
-- stops polling it when it leaves the file.

ALTER TABLE sources ADD COLUMN IF NOT EXISTS listed_by VARCHAR;
COMMENT ON COLUMN sources.listed_by IS 'The sources file that listed it last, as host:path (NULL before it was recorded); on a lake, a source leaves polling only when that file drops it.';
