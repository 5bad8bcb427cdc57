-- 00071 reports and dashboard_events (docs/reports.md, docs/dashboards.md).
--   reports       a dashboard on a schedule (5-field cron in an IANA zone, at
--                 most hourly) to e-mail addresses, as pdf | excel | csv;
--                 claimed by the report worker through next_run_at like checks;
--   report_runs   one rendering: its file (kept keep_days), its state and the
--                 lease of the worker rendering it;
--   dashboard_events  view / edit / share / export / report events, by month
--                 like check_results (same partition job and retention).

CREATE TABLE reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  dashboard_id uuid NOT NULL,
  created_by uuid,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  cron text NOT NULL CHECK (char_length(cron) BETWEEN 1 AND 100),
  timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
  recipients text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 500),
  format text NOT NULL CHECK (format IN ('pdf', 'excel', 'csv')),
  -- the filters the report renders with (the dashboard's when empty)
  filters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
  keep_days integer NOT NULL DEFAULT 30 CHECK (keep_days BETWEEN 1 AND 365),
  is_active boolean NOT NULL DEFAULT true,
  last_sent timestamptz,
  next_run_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, dashboard_id) REFERENCES dashboards (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
-- a dashboard's reports; covers the dashboard FK
CREATE INDEX reports_dashboard_idx ON reports (tenant_id, dashboard_id);
CREATE INDEX reports_created_by_idx ON reports (tenant_id, created_by) WHERE created_by IS NOT NULL;
-- the worker's claim: WHERE is_active AND next_run_at <= now() (across tenants)
CREATE INDEX reports_due_idx ON reports (next_run_at) WHERE is_active;
CREATE TRIGGER reports_set_updated_at BEFORE UPDATE ON reports
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE report_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  report_id uuid NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_until timestamptz,
  filename text CHECK (char_length(filename) <= 300),
  content_type text CHECK (char_length(content_type) <= 200),
  file bytea,
  error text CHECK (char_length(error) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- when the file is deleted (retention); the row stays as history
  expires_at timestamptz NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id) ON DELETE CASCADE
);
-- a report's history, newest first; covers the FK
CREATE INDEX report_runs_report_idx ON report_runs (tenant_id, report_id, created_at DESC);
-- the worker's claim of pending runs (across tenants)
CREATE INDEX report_runs_pending_idx ON report_runs (created_at) WHERE status = 'pending';
-- retention: files past expires_at
CREATE INDEX report_runs_expires_idx ON report_runs (expires_at) WHERE file IS NOT NULL;

-- No FKs: an event outlives what it counted (the dashboard may be gone; retention drops the month).
CREATE TABLE dashboard_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  dashboard_id uuid NOT NULL,
  user_id uuid,
  event_type text NOT NULL CHECK (event_type IN ('view', 'edit', 'share', 'export', 'report')),
  detail jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
  at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);
CREATE TABLE dashboard_events_default PARTITION OF dashboard_events DEFAULT;
-- a dashboard's views over the last 30 days
CREATE INDEX dashboard_events_dashboard_idx ON dashboard_events (tenant_id, dashboard_id, event_type, at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reports', 'report_runs', 'dashboard_events'] LOOP
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
