-- 00061 result cache of saved queries (docs/data-sources.md "Result cache"),
-- and "collect into a metric".
-- cache_ttl_seconds: how long a result of a saved query is answered from the
-- process's cache for the same parameter values (0: always run). 60 s by
-- default: a dashboard of ten panels reloaded by five people runs each query
-- once a minute, not fifty times.
-- collect_*: a saved query returning a number can run on a schedule and write
-- metric_snapshots for one project (the metrics explorer, charts and metric
-- alert rules then work on it). Claimed like alert rules: next_collect_at is
-- pushed one interval ahead and a lease taken, so several processes never run
-- it twice.
ALTER TABLE saved_queries
  ADD COLUMN cache_ttl_seconds integer NOT NULL DEFAULT 60 CHECK (cache_ttl_seconds BETWEEN 0 AND 86400),
  ADD COLUMN collect_project_id uuid,
  -- metric_snapshots.type of the collected number
  ADD COLUMN collect_metric_type text CHECK (collect_metric_type ~ '^[a-z][a-z0-9_.]{0,99}$'),
  ADD COLUMN collect_interval_seconds integer CHECK (collect_interval_seconds BETWEEN 60 AND 86400),
  ADD COLUMN collect_parameters jsonb CHECK (jsonb_typeof(collect_parameters) = 'object'),
  ADD COLUMN next_collect_at timestamptz,
  ADD COLUMN collect_claimed_until timestamptz,
  ADD COLUMN last_collect_error text CHECK (char_length(last_collect_error) <= 2000),
  ADD CONSTRAINT saved_queries_collect_fields CHECK (
    (collect_project_id IS NULL) = (collect_metric_type IS NULL)
    AND (collect_project_id IS NULL) = (collect_interval_seconds IS NULL)
    AND (collect_project_id IS NULL) = (next_collect_at IS NULL)
  ),
  -- projects are archived, not deleted (as alert rules' projects)
  ADD CONSTRAINT saved_queries_collect_project_fk FOREIGN KEY (tenant_id, collect_project_id)
    REFERENCES projects (tenant_id, id) ON DELETE RESTRICT;
-- a project's collecting queries; covers the FK
CREATE INDEX saved_queries_collect_project_idx ON saved_queries (tenant_id, collect_project_id)
  WHERE collect_project_id IS NOT NULL;
-- the collector's claim: WHERE next_collect_at <= now() ORDER BY next_collect_at (across tenants)
CREATE INDEX saved_queries_collect_due_idx ON saved_queries (next_collect_at) WHERE next_collect_at IS NOT NULL;

-- Daily introspection: the data-source worker claims connected sources whose
-- schema is a day old by pushing this a day ahead (a lease that is also the
-- retry delay: a source that fails is tried again the next day, or on demand).
ALTER TABLE data_sources ADD COLUMN introspect_claimed_until timestamptz;
