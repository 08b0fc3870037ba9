-- Runs killed mid-way are marked 'crashed' by the next run (issue 14); the status column says so.
COMMENT ON COLUMN runs.status IS 'running, completed, failed (it raised, even after its loads committed) or crashed (its process died mid-run; marked by the next run).';
