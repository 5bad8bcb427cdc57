-- 00004 health checks, check results, metric snapshots, maintenance windows.
-- Why: probes (http, tcp) and heartbeats watch each project. The definitions
-- double as the scheduler's queue (next_run_at + a lease), results and
-- metrics are time series partitioned by month so retention drops whole
-- partitions instead of deleting rows, and maintenance windows mute alerting.

-- A window with project_id NULL covers the whole tenant.
CREATE TABLE maintenance_windows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT
);
-- windows in effect: WHERE tenant_id = $1 AND (project_id = $2 OR project_id IS NULL)
-- AND ends_at > now() AND starts_at <= now(); covers both FKs
CREATE INDEX maintenance_windows_project_idx ON maintenance_windows (tenant_id, project_id, ends_at);
CREATE TRIGGER maintenance_windows_set_updated_at BEFORE UPDATE ON maintenance_windows
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- One row per check. Besides the definition it carries:
-- * the queue: next_run_at; the scheduler claims due rows with
--   FOR UPDATE SKIP LOCKED and sets claimed_until/claimed_by (a lease, so a
--   crashed worker's checks come back when it expires);
-- * the current state: status, consecutive_failures (compared with
--   confirmations before going down), last_checked_at, status_changed_at;
-- * heartbeats: ping_token_hash (the token in the ping URL is the secret;
--   only its SHA-256 is kept) and last_ping_at; next_run_at is then the
--   deadline last_ping_at + interval_seconds + grace_seconds.
CREATE TABLE health_checks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  type text NOT NULL CHECK (type IN ('http', 'tcp', 'heartbeat')),
  url text CHECK (char_length(url) <= 2048 AND url ~ '^https?://'),
  host text CHECK (char_length(host) BETWEEN 1 AND 253),
  port integer CHECK (port BETWEEN 1 AND 65535),
  method text NOT NULL DEFAULT 'GET' CHECK (method IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
  expected_status integer[] NOT NULL DEFAULT '{200}'
    CHECK (cardinality(expected_status) BETWEEN 1 AND 50 AND 100 <= ALL (expected_status) AND 599 >= ALL (expected_status)),
  keyword text CHECK (char_length(keyword) BETWEEN 1 AND 500),
  headers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
  body text CHECK (char_length(body) <= 65536),
  interval_seconds integer NOT NULL DEFAULT 60 CHECK (interval_seconds BETWEEN 1 AND 2592000),
  grace_seconds integer NOT NULL DEFAULT 0 CHECK (grace_seconds BETWEEN 0 AND 2592000),
  timeout_ms integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 1 AND 120000),
  confirmations integer NOT NULL DEFAULT 1 CHECK (confirmations BETWEEN 1 AND 20),
  paused boolean NOT NULL DEFAULT false,
  -- a dependent check is not alerted on while the one it depends on is down
  depends_on_id uuid CHECK (depends_on_id <> id),
  ping_token_hash bytea CHECK (octet_length(ping_token_hash) = 32),
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down', 'degraded')),
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  last_checked_at timestamptz,
  last_ping_at timestamptz,
  status_changed_at timestamptz,
  -- expiry of the TLS certificate seen by the last https probe (certificate.expiring)
  cert_expires_at timestamptz,
  next_run_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  claimed_by text CHECK (char_length(claimed_by) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT health_checks_http_target CHECK (type <> 'http' OR url IS NOT NULL),
  CONSTRAINT health_checks_tcp_target CHECK (type <> 'tcp' OR (host IS NOT NULL AND port IS NOT NULL)),
  CONSTRAINT health_checks_heartbeat_token CHECK ((type = 'heartbeat') = (ping_token_hash IS NOT NULL)),
  -- target of composite FKs; covers the tenant FK
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, depends_on_id) REFERENCES health_checks (tenant_id, id) ON DELETE SET NULL (depends_on_id)
);
-- the scheduler's claim: WHERE NOT paused AND next_run_at <= now() ORDER BY next_run_at
-- FOR UPDATE SKIP LOCKED (across tenants)
CREATE INDEX health_checks_due_idx ON health_checks (next_run_at) WHERE NOT paused;
-- checks of a project, by name
CREATE INDEX health_checks_project_idx ON health_checks (tenant_id, project_id, name);
-- checks depending on a check (suppress their alerts while it is down)
CREATE INDEX health_checks_depends_on_idx ON health_checks (tenant_id, depends_on_id) WHERE depends_on_id IS NOT NULL;
-- the heartbeat push endpoint: WHERE ping_token_hash = $1 (no tenant in the URL)
CREATE UNIQUE INDEX health_checks_ping_token_key ON health_checks (ping_token_hash) WHERE ping_token_hash IS NOT NULL;
CREATE TRIGGER health_checks_set_updated_at BEFORE UPDATE ON health_checks
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Time series, partitioned by month on checked_at. Only the DEFAULT
-- partition is created here: monthly partitions depend on the date, so the
-- retention job of the health-checks issue creates them ahead of time
-- (current month + the next 2, named check_results_pYYYY_MM) and drops the
-- expired ones. Creating a monthly partition fails while the DEFAULT
-- partition holds rows of that month: the job must move those rows (detach
-- DEFAULT, create, move, reattach) in one transaction.
-- The natural key (check, instant) replaces a surrogate id: it is the only
-- lookup, and it must include the partition key anyway.
CREATE TABLE check_results (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  check_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('up', 'down', 'degraded')),
  latency_ms integer CHECK (latency_ms >= 0),
  -- HTTP status code of the response, when there was one
  status_code integer CHECK (status_code BETWEEN 100 AND 599),
  detail text CHECK (char_length(detail) <= 2000),
  checked_at timestamptz NOT NULL DEFAULT now(),
  -- results of a check in a time range, newest first (GET /health-checks/{id}/results,
  -- sparklines, uptime %); covers both FKs
  PRIMARY KEY (tenant_id, check_id, checked_at),
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
) PARTITION BY RANGE (checked_at);
CREATE TABLE check_results_default PARTITION OF check_results DEFAULT;

-- Metric points: one value per (project, type, instant). A re-sent point is
-- the same point (INSERT ... ON CONFLICT DO NOTHING/UPDATE), which makes
-- ingest retries harmless even without an Idempotency-Key. Partitioned by
-- month like check_results, with the same job creating partitions
-- (metric_snapshots_pYYYY_MM).
CREATE TABLE metric_snapshots (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_.]{0,99}$'),
  value double precision NOT NULL CHECK (value NOT IN ('NaN', 'Infinity', '-Infinity')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- GET /api/v1/metrics?project_id&type&from&to&step; covers both FKs
  PRIMARY KEY (tenant_id, project_id, type, recorded_at),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT
) PARTITION BY RANGE (recorded_at);
CREATE TABLE metric_snapshots_default PARTITION OF metric_snapshots DEFAULT;
