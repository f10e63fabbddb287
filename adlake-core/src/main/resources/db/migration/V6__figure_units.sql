-- The unit of each figure of a run (rows, files, bytes, milliseconds), beside the figures
-- themselves so that queries on figures keep working; a figure not named here is a count.
ALTER TABLE adlake.job_runs ADD COLUMN figure_units JSONB;
