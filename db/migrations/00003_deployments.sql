-- 00003 deployments and idempotency keys.
-- Why: CI pipelines and GitHub webhooks record deployments per project
-- environment; POST /api/v1/deployments is the first write that must be safe
-- to retry, so the generic Idempotency-Key store comes with it.

-- The environment is referenced by name through a composite FK onto
-- project_environments (tenant_id, project_id, name): the API speaks names,
-- renames cascade, and an unknown name is refused (the service creates the
-- environment first when a CI run names a new one).
-- commit_sha is stored lower-case; the service normalises input.
CREATE TABLE deployments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  environment text NOT NULL,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'in_progress', 'succeeded', 'failed', 'cancelled', 'rolled_back')),
  commit_sha text NOT NULL CHECK (commit_sha ~ '^[0-9a-f]{7,40}$'),
  ref text CHECK (char_length(ref) BETWEEN 1 AND 255),
  url text CHECK (char_length(url) <= 2048),
  -- free text from the CI system or GitHub (a login), not a user id
  actor text CHECK (char_length(actor) BETWEEN 1 AND 200),
  -- where the record came from; external_id is e.g. GitHub's deployment id,
  -- so deployment_status events update the same row
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'ui', 'github')),
  external_id text CHECK (char_length(external_id) BETWEEN 1 AND 200),
  committed_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (finished_at >= started_at),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, project_id, environment)
    REFERENCES project_environments (tenant_id, project_id, name) ON UPDATE CASCADE ON DELETE RESTRICT
);
-- deployments of a project (optionally one environment), newest first;
-- "latest deployment per environment"; covers both FKs
CREATE INDEX deployments_project_env_idx ON deployments (tenant_id, project_id, environment, created_at DESC);
-- all deployments of the tenant, newest first (GET /api/v1/deployments)
CREATE INDEX deployments_created_idx ON deployments (tenant_id, created_at DESC);
-- deployments still running (dashboard, stale-run sweeper)
CREATE INDEX deployments_active_idx ON deployments (tenant_id, status) WHERE status IN ('queued', 'in_progress');
-- a GitHub deployment_status event finds its deployment
CREATE UNIQUE INDEX deployments_external_key ON deployments (tenant_id, source, external_id) WHERE external_id IS NOT NULL;
CREATE TRIGGER deployments_set_updated_at BEFORE UPDATE ON deployments
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Idempotency-Key for any POST, scoped to the tenant. The first request
-- inserts the row (completed_at NULL: in progress), runs, then stores the
-- response in the same transaction; a retry with the same key and the same
-- request_hash (method + path + body) replays it, a different hash is a
-- conflict. Rows expire and are purged.
CREATE TABLE idempotency_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  method text NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
  path text NOT NULL CHECK (char_length(path) BETWEEN 1 AND 2048),
  request_hash bytea NOT NULL CHECK (octet_length(request_hash) = 32),
  response_status integer CHECK (response_status BETWEEN 100 AND 599),
  response_body jsonb,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  CHECK ((completed_at IS NULL) = (response_status IS NULL))
);
-- look a key up on every request carrying Idempotency-Key; covers the tenant FK
CREATE UNIQUE INDEX idempotency_keys_key ON idempotency_keys (tenant_id, key);
-- purge expired keys: WHERE expires_at < now()
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
