-- 00040 data sources: a BI layer over the teams' own databases and APIs
-- (docs/data-sources.md). Why each table:
--   data_sources         a connection: non-secret settings in config, the
--                        password/URL/headers sealed as one JSON object like
--                        notification channel secrets (key_id names the key,
--                        `secrets:rotate` re-encrypts it);
--   data_source_schemas  the introspected columns, replaced whole on each
--                        introspection (the schema browser and, later, the
--                        model builder read it);
--   saved_queries        named SQL with typed {{parameters}}, private to their
--                        author unless is_public;
--   data_models          tables, joins and calculated fields over one source;
--   query_alerts         a threshold on a saved query's number, on its own
--                        interval; its evaluations go to query_alert_history
--                        (the name alert_history is the alert timeline of 00005);
--   query_metrics        one row per execution, partitioned by month like
--                        check_results (the same partition job and retention).

CREATE TABLE data_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('postgresql', 'mysql', 'rest_api', 'csv')),
  config jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
  secret_ciphertext bytea,
  key_id text CHECK (char_length(key_id) BETWEEN 1 AND 100),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('connected', 'error', 'disconnected', 'pending')),
  last_error text CHECK (char_length(last_error) <= 2000),
  last_tested_at timestamptz,
  -- the last successful introspection
  last_sync timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT data_sources_key_id CHECK ((secret_ciphertext IS NULL) = (key_id IS NULL)),
  -- target of composite FKs; covers the tenant FK
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
-- names are unique per tenant, whatever the case; the list is ordered by name
CREATE UNIQUE INDEX data_sources_name_key ON data_sources (tenant_id, lower(name));
CREATE INDEX data_sources_created_by_idx ON data_sources (tenant_id, created_by) WHERE created_by IS NOT NULL;
-- secrets:rotate looks for rows whose key is not the current one
CREATE INDEX data_sources_key_idx ON data_sources (key_id) WHERE key_id IS NOT NULL;
CREATE TRIGGER data_sources_set_updated_at BEFORE UPDATE ON data_sources
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE data_source_schemas (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  data_source_id uuid NOT NULL,
  schema_name text NOT NULL CHECK (char_length(schema_name) <= 255),
  table_name text NOT NULL CHECK (char_length(table_name) BETWEEN 1 AND 255),
  column_name text NOT NULL CHECK (char_length(column_name) BETWEEN 1 AND 255),
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  data_type text NOT NULL CHECK (char_length(data_type) <= 200),
  is_nullable boolean NOT NULL DEFAULT true,
  column_default text CHECK (char_length(column_default) <= 2000),
  -- the schema browser: a source's tables in order, their columns in order; covers the FK
  PRIMARY KEY (tenant_id, data_source_id, schema_name, table_name, column_name),
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE saved_queries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  data_source_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 2000),
  query_text text NOT NULL CHECK (char_length(query_text) BETWEEN 1 AND 100000),
  -- [{ name, type: text|integer|number|boolean|timestamp|enum, values?, default? }]
  parameters jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parameters) = 'array'),
  is_public boolean NOT NULL DEFAULT false,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
-- a source's queries (source page, delete); covers the source FK
CREATE INDEX saved_queries_source_idx ON saved_queries (tenant_id, data_source_id);
-- "my queries" and the visibility filter (is_public OR created_by = me)
CREATE INDEX saved_queries_created_by_idx ON saved_queries (tenant_id, created_by) WHERE created_by IS NOT NULL;
CREATE TRIGGER saved_queries_set_updated_at BEFORE UPDATE ON saved_queries
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE data_models (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  data_source_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 2000),
  tables jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tables) = 'array'),
  joins jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(joins) = 'array'),
  calculated_fields jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(calculated_fields) = 'array'),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
-- a source's models; covers the source FK
CREATE INDEX data_models_source_idx ON data_models (tenant_id, data_source_id);
CREATE INDEX data_models_created_by_idx ON data_models (tenant_id, created_by) WHERE created_by IS NOT NULL;
CREATE TRIGGER data_models_set_updated_at BEFORE UPDATE ON data_models
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE query_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  query_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  -- { measure: value|row_count, operator: above|below|change_percent, threshold, parameters }
  condition_config jsonb NOT NULL CHECK (jsonb_typeof(condition_config) = 'object'),
  interval_seconds integer NOT NULL DEFAULT 300 CHECK (interval_seconds BETWEEN 60 AND 604800),
  enabled boolean NOT NULL DEFAULT true,
  state text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'triggered', 'error')),
  last_value double precision,
  last_error text CHECK (char_length(last_error) <= 2000),
  last_triggered_at timestamptz,
  -- evaluation queue, claimed like alert_rules
  next_run_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, query_id) REFERENCES saved_queries (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
-- a query's alerts; covers the query FK
CREATE INDEX query_alerts_query_idx ON query_alerts (tenant_id, query_id);
CREATE INDEX query_alerts_created_by_idx ON query_alerts (tenant_id, created_by) WHERE created_by IS NOT NULL;
-- the evaluator's claim: WHERE enabled AND next_run_at <= now() ORDER BY next_run_at
CREATE INDEX query_alerts_due_idx ON query_alerts (next_run_at) WHERE enabled;
CREATE TRIGGER query_alerts_set_updated_at BEFORE UPDATE ON query_alerts
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE query_alert_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  query_alert_id uuid NOT NULL,
  evaluated_at timestamptz NOT NULL DEFAULT now(),
  condition_met boolean NOT NULL,
  value double precision,
  notification_sent boolean NOT NULL DEFAULT false,
  error_message text CHECK (char_length(error_message) <= 2000),
  -- an alert's evaluations, newest first; covers the FK
  FOREIGN KEY (tenant_id, query_alert_id) REFERENCES query_alerts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX query_alert_history_alert_idx ON query_alert_history (tenant_id, query_alert_id, evaluated_at DESC);

-- No FK to saved_queries/users: a metric row outlives what it measured (the
-- slowest-queries page still counts a deleted query's runs until retention).
CREATE TABLE query_metrics (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  data_source_id uuid NOT NULL,
  query_id uuid,
  user_id uuid,
  execution_time_ms integer NOT NULL CHECK (execution_time_ms >= 0),
  rows_returned integer NOT NULL CHECK (rows_returned >= 0),
  bytes_returned bigint NOT NULL CHECK (bytes_returned >= 0),
  error boolean NOT NULL DEFAULT false,
  at timestamptz NOT NULL DEFAULT now(),
  -- a source's runs in a time range (slowest / most-run); covers the source FK
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE CASCADE
) PARTITION BY RANGE (at);
CREATE TABLE query_metrics_default PARTITION OF query_metrics DEFAULT;
CREATE INDEX query_metrics_source_idx ON query_metrics (tenant_id, data_source_id, at);
-- the tenant-wide slowest / most-run page over a time range
CREATE INDEX query_metrics_tenant_idx ON query_metrics (tenant_id, at);

-- Row-level security as in 00007.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'data_sources', 'data_source_schemas', 'saved_queries', 'data_models', 'query_alerts',
    'query_alert_history', 'query_metrics'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO opsdeck_app
         USING (tenant_id = opsdeck_current_tenant())
         WITH CHECK (tenant_id = opsdeck_current_tenant())',
      t
    );
  END LOOP;
END
$$;

-- The role matrix gains the three resources. Running a query is reading it.
-- Admins: read/write/delete; employees: read/write; clients: nothing
-- (a query reaches a whole database, not one client's slice of it).
ALTER TABLE permissions DROP CONSTRAINT permissions_resource_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_resource_check CHECK (resource IN (
  'tenants', 'users', 'roles', 'api_keys', 'settings', 'clients', 'projects', 'sows',
  'change_requests', 'deployments', 'health_checks', 'metrics', 'alert_rules', 'alerts',
  'notification_channels', 'notification_rules', 'audits', 'data_sources', 'saved_queries', 'data_models'
));
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, res, act
FROM roles r,
  unnest(ARRAY['data_sources', 'saved_queries', 'data_models']) AS res,
  unnest(ARRAY['read', 'write', 'delete']) AS act
WHERE r.tenant_id IS NULL AND (r.name = 'admin' OR (r.name = 'employee' AND act <> 'delete'));
