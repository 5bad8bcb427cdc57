-- 00002 catalog: clients, projects and their environments, SOWs, change requests.
-- Why: everything operational (deployments, checks, metrics, alerts) hangs off
-- a project, and projects belong to clients. Nothing cascades from clients or
-- projects: deleting one is a product decision taken in services, which must
-- first deal with what depends on it (FKs are RESTRICT).

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- target of composite FKs
  UNIQUE (tenant_id, id)
);
-- list clients by name; one client per name in a tenant, case-insensitively
CREATE UNIQUE INDEX clients_tenant_name_key ON clients (tenant_id, lower(name));
CREATE TRIGGER clients_set_updated_at BEFORE UPDATE ON clients
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Client users belong to one client of their own tenant.
ALTER TABLE users ADD CONSTRAINT users_client_fk
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE RESTRICT;
-- users of a client (client detail page; refuse to delete a client with users)
CREATE INDEX users_client_idx ON users (tenant_id, client_id);

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  client_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
  description text CHECK (char_length(description) <= 5000),
  repository_url text CHECK (char_length(repository_url) <= 2048),
  tags text[] NOT NULL DEFAULT '{}' CHECK (array_position(tags, NULL) IS NULL AND cardinality(tags) <= 50),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE RESTRICT
);
-- resolve project_slug (deployments from CI) and keep slugs unique per tenant
CREATE UNIQUE INDEX projects_tenant_slug_key ON projects (tenant_id, slug);
-- projects of a client, by name
CREATE INDEX projects_client_idx ON projects (tenant_id, client_id, name);
-- filter projects by tag: WHERE tags @> ARRAY[$1]
CREATE INDEX projects_tags_idx ON projects USING gin (tags);
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Environments are named per project; deployments reference them by name
-- (see 00003), so the name is unique within a project.
CREATE TABLE project_environments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  url text CHECK (char_length(url) <= 2048 AND url ~ '^https?://'),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
-- a project's environments; target of the deployments FK; covers the project FK
CREATE UNIQUE INDEX project_environments_name_key ON project_environments (tenant_id, project_id, name);
CREATE TRIGGER project_environments_set_updated_at BEFORE UPDATE ON project_environments
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Statements of work. Contract dates are calendar dates (date), not instants.
CREATE TABLE sows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'active', 'closed')),
  document_url text CHECK (char_length(document_url) <= 2048),
  drive_id text CHECK (char_length(drive_id) <= 200),
  signed_on date,
  starts_on date,
  ends_on date,
  value numeric(14, 2) CHECK (value >= 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on),
  -- target of the change_requests FK, which also pins the project; covers the project FK
  UNIQUE (tenant_id, project_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT
);
-- list SOWs, optionally by status, newest first
CREATE INDEX sows_status_idx ON sows (tenant_id, status, created_at DESC);
CREATE TRIGGER sows_set_updated_at BEFORE UPDATE ON sows
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Change requests: pending -> approved|rejected (decided_at, approver_id,
-- decision_comment) -> completed (resolved_at).
CREATE TABLE change_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  sow_id uuid,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 20000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'completed')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  requested_by uuid NOT NULL,
  approver_id uuid,
  decision_comment text CHECK (char_length(decision_comment) <= 5000),
  document_url text CHECK (char_length(document_url) <= 2048),
  drive_id text CHECK (char_length(drive_id) <= 200),
  decided_at timestamptz,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT change_requests_decided CHECK (status = 'pending' OR decided_at IS NOT NULL),
  CONSTRAINT change_requests_resolved CHECK (status <> 'completed' OR resolved_at IS NOT NULL),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  -- the SOW must be one of the same project's; deleting it only unlinks
  FOREIGN KEY (tenant_id, project_id, sow_id) REFERENCES sows (tenant_id, project_id, id)
    ON DELETE SET NULL (sow_id),
  FOREIGN KEY (tenant_id, requested_by) REFERENCES users (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, approver_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (approver_id)
);
-- change requests of a project, newest first
CREATE INDEX change_requests_project_idx ON change_requests (tenant_id, project_id, created_at DESC);
-- change requests under a SOW
CREATE INDEX change_requests_sow_idx ON change_requests (tenant_id, project_id, sow_id) WHERE sow_id IS NOT NULL;
-- "my requests": by requester, newest first
CREATE INDEX change_requests_requested_by_idx ON change_requests (tenant_id, requested_by, created_at DESC);
-- "awaiting my decision" / decided by
CREATE INDEX change_requests_approver_idx ON change_requests (tenant_id, approver_id) WHERE approver_id IS NOT NULL;
-- list by status (the pending queue), newest first
CREATE INDEX change_requests_status_idx ON change_requests (tenant_id, status, created_at DESC);
CREATE TRIGGER change_requests_set_updated_at BEFORE UPDATE ON change_requests
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();
