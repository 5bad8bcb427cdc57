-- 00081 SLA targets on SOWs and the monthly SLA reports (issue 17, docs/sla.md).
-- Why:
--   clients.timezone       the report month is the client's calendar month, generated on the 1st there;
--   sla_targets            what a SOW promises: uptime % for the project's checks (check_id NULL) or for one
--                          check, the response-time p95, change-request first-response and resolution hours,
--                          and credit tiers [{ "below": 99.5, "credit_percent": 10 }, …];
--   sla_reports            one per client and month, kept (history): the figures as JSON plus the PDF and CSV
--                          as sent. The unique key is also the generation lease: the worker inserts the row
--                          first inside its transaction, so a second replica waits on it and then skips.

ALTER TABLE clients ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64);

CREATE TABLE sla_targets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  sow_id uuid NOT NULL,
  check_id uuid,
  uptime_percent numeric(6, 3) NOT NULL CHECK (uptime_percent > 0 AND uptime_percent <= 100),
  response_p95_ms integer CHECK (response_p95_ms BETWEEN 1 AND 600000),
  first_response_hours numeric(8, 2) CHECK (first_response_hours > 0),
  resolution_hours numeric(8, 2) CHECK (resolution_hours > 0),
  credit_tiers jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(credit_tiers) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  -- the SOW pins the project; a SOW's targets; covers the SOW FK
  FOREIGN KEY (tenant_id, project_id, sow_id) REFERENCES sows (tenant_id, project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sla_targets_scope_key ON sla_targets (tenant_id, project_id, sow_id, check_id) NULLS NOT DISTINCT;
CREATE INDEX sla_targets_check_idx ON sla_targets (tenant_id, check_id) WHERE check_id IS NOT NULL;
CREATE TRIGGER sla_targets_set_updated_at BEFORE UPDATE ON sla_targets
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE sla_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  client_id uuid NOT NULL,
  -- the first day of the client's month
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  timezone text NOT NULL,
  summary jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
  pdf bytea NOT NULL,
  csv text NOT NULL,
  generated_at timestamptz NOT NULL,
  UNIQUE (tenant_id, id),
  -- a client's reports, newest first; one per month (the lease); covers the client FK
  UNIQUE (tenant_id, client_id, month),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE sla_targets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sla_targets TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant()) WITH CHECK (tenant_id = opsdeck_current_tenant());
ALTER TABLE sla_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sla_reports TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant()) WITH CHECK (tenant_id = opsdeck_current_tenant());
