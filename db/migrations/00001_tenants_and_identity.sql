-- 00001 tenants and identity.
-- Why: every row in Opsdeck belongs to a tenant, and every request is made by
-- a user (through a session, or an API key acting for that user). This file
-- creates tenants, users and the ways they authenticate, plus the built-in
-- roles and their permissions, so that every later table can point at them.
--
-- Conventions for all migrations (docs/data-model.md explains them):
-- * ids are uuid DEFAULT gen_random_uuid() (core since PostgreSQL 13);
-- * SPEC enums are text + CHECK: adding a value is one ALTER of one
--   constraint, without ALTER TYPE ... ADD VALUE's transaction restrictions;
-- * parents expose UNIQUE (tenant_id, id) and children reference them with
--   composite FKs (tenant_id, parent_id), so no row can point at another
--   tenant's parent, whatever a service does;
-- * every FK is covered by an index led by its columns, and every index says
--   which query needs it;
-- * updated_at is kept by the set_updated_at() trigger, not by services;
-- * secrets are stored as hashes (SHA-256 of a random token, 32 bytes) or as
--   ciphertext bytea + the id of the key that encrypted them.
-- Row-level security is added later by the Identity issue.

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- find a tenant by slug (super_admin pages); one tenant per slug
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug);
CREATE TRIGGER tenants_set_updated_at BEFORE UPDATE ON tenants
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Roles: tenant_id NULL marks the three built-in roles shared by every
-- tenant; custom roles belong to one tenant and may not reuse a built-in name
-- (the API names roles, so "admin" must always mean the built-in one).
CREATE TABLE roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid REFERENCES tenants (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  description text CHECK (char_length(description) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_builtin_names CHECK (
    (tenant_id IS NULL AND name IN ('admin', 'employee', 'client'))
    OR (tenant_id IS NOT NULL AND lower(name) NOT IN ('admin', 'employee', 'client'))
  )
);
-- find a role by name within a tenant, built-ins included; NULLS NOT DISTINCT
-- (PostgreSQL 15+) keeps built-in names unique too
CREATE UNIQUE INDEX roles_tenant_name_key ON roles (tenant_id, lower(name)) NULLS NOT DISTINCT;
CREATE TRIGGER roles_set_updated_at BEFORE UPDATE ON roles
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Permissions are pure children of a role: no tenant_id of their own (a
-- built-in role's rows are shared); they are only ever read through a role.
CREATE TABLE permissions (
  role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  resource text NOT NULL CHECK (resource IN (
    'tenants', 'users', 'roles', 'api_keys', 'settings', 'clients', 'projects', 'sows',
    'change_requests', 'deployments', 'health_checks', 'metrics', 'alert_rules', 'alerts',
    'notification_channels', 'notification_rules', 'audits'
  )),
  action text NOT NULL CHECK (action IN ('read', 'write', 'delete', 'manage')),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- a role's permission set (the only lookup); covers the role_id FK
  PRIMARY KEY (role_id, resource, action),
  CONSTRAINT permissions_manage_resources CHECK (action <> 'manage' OR resource IN ('users', 'roles', 'api_keys', 'settings')),
  CONSTRAINT permissions_audits_read_only CHECK (resource <> 'audits' OR action = 'read')
);

INSERT INTO roles (name, description) VALUES
  ('admin', 'Everything in the tenant'),
  ('employee', 'Works on clients, projects, deployments, checks and alerts'),
  ('client', 'Sees the projects of their own client and files change requests');

-- admin: every valid (resource, action) pair
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, res, act
FROM roles r,
  unnest(ARRAY[
    'tenants', 'users', 'roles', 'api_keys', 'settings', 'clients', 'projects', 'sows',
    'change_requests', 'deployments', 'health_checks', 'metrics', 'alert_rules', 'alerts',
    'notification_channels', 'notification_rules', 'audits'
  ]) AS res,
  unnest(ARRAY['read', 'write', 'delete', 'manage']) AS act
WHERE r.tenant_id IS NULL AND r.name = 'admin'
  AND (act <> 'manage' OR res IN ('users', 'roles', 'api_keys', 'settings'))
  AND (res <> 'audits' OR act = 'read');

-- employee: read + write on the day-to-day work, read on users and audits
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, res, act
FROM roles r,
  unnest(ARRAY[
    'clients', 'projects', 'sows', 'change_requests', 'deployments', 'health_checks',
    'metrics', 'alert_rules', 'alerts'
  ]) AS res,
  unnest(ARRAY['read', 'write']) AS act
WHERE r.tenant_id IS NULL AND r.name = 'employee'
UNION ALL
SELECT r.id, res, 'read'
FROM roles r, unnest(ARRAY['users', 'audits']) AS res
WHERE r.tenant_id IS NULL AND r.name = 'employee';

-- client: read what concerns their projects, write change requests
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, res, 'read'
FROM roles r,
  unnest(ARRAY['projects', 'sows', 'change_requests', 'deployments', 'health_checks', 'metrics', 'alerts']) AS res
WHERE r.tenant_id IS NULL AND r.name = 'client'
UNION ALL
SELECT r.id, 'change_requests', 'write'
FROM roles r
WHERE r.tenant_id IS NULL AND r.name = 'client';

-- E-mail is unique across the install, not per tenant: POST /api/v1/sessions
-- logs in with { email, password } and no tenant.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  email text NOT NULL CHECK (char_length(email) <= 320 AND email ~ '^[^@\s]+@[^@\s]+$'),
  name text CHECK (char_length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'suspended', 'inactive')),
  role_id uuid NOT NULL REFERENCES roles (id),
  -- set for client users; FK to clients in 00002_catalog.sql
  client_id uuid,
  super_admin boolean NOT NULL DEFAULT false,
  -- NULL until the invitation is accepted, or for single-sign-on-only users
  password_hash text CHECK (char_length(password_hash) <= 500),
  timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- target of composite FKs; also covers the tenant_id FK (list a tenant's users)
  UNIQUE (tenant_id, id)
);
-- log in: WHERE lower(email) = lower($1); one account per address
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
-- users holding a role (filter by role; refuse to delete a custom role in use)
CREATE INDEX users_role_id_idx ON users (role_id);
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- role_id cannot be a composite FK (built-in roles have no tenant), so a
-- trigger guards what the FK cannot: a custom role must be the user's tenant's.
CREATE FUNCTION users_role_in_tenant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM roles WHERE id = NEW.role_id AND (tenant_id IS NULL OR tenant_id = NEW.tenant_id)
  ) THEN
    RAISE EXCEPTION 'role % is not available in tenant %', NEW.role_id, NEW.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER users_role_in_tenant BEFORE INSERT OR UPDATE OF role_id, tenant_id ON users
  FOR EACH ROW EXECUTE FUNCTION users_role_in_tenant();

CREATE TABLE user_preferences (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.]{0,99}$'),
  value jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- a user's preferences (all, or one key); covers both FKs
  PRIMARY KEY (tenant_id, user_id, key),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE TRIGGER user_preferences_set_updated_at BEFORE UPDATE ON user_preferences
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Server-side sessions: the cookie (or the bearer token returned by
-- POST /api/v1/sessions) holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  ip inet,
  user_agent text CHECK (char_length(user_agent) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- authenticate a request: WHERE token_hash = $1
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
-- list or revoke a user's sessions
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);
-- purge expired sessions: WHERE expires_at < now()
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- API keys act as their user, narrowed by scopes. Rows are revoked, not
-- deleted, once audits reference them (audits are append-only).
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  -- the first characters of the key ("odk_3f9a"), shown in lists
  prefix text NOT NULL CHECK (char_length(prefix) BETWEEN 4 AND 32),
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  scopes text[] NOT NULL DEFAULT '{}' CHECK (array_position(scopes, NULL) IS NULL AND cardinality(scopes) <= 100),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- authenticate a bearer key: WHERE token_hash = $1
CREATE UNIQUE INDEX api_keys_token_hash_key ON api_keys (token_hash);
-- list a user's keys (and the tenant's, by leading tenant_id)
CREATE INDEX api_keys_user_idx ON api_keys (tenant_id, user_id);

-- Accounts at identity providers linked to a user. Tokens are encrypted at
-- rest with a key derived from OPSDECK_SECRET; key_id names that key so it
-- can be rotated.
CREATE TABLE external_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  provider text NOT NULL CHECK (provider IN ('google', 'github', 'slack', 'linear', 'oidc')),
  -- the OIDC issuer URL, or the provider's own host for OAuth-only providers
  issuer text NOT NULL CHECK (char_length(issuer) BETWEEN 1 AND 500),
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 255),
  email text CHECK (char_length(email) <= 320),
  access_token_ciphertext bytea,
  refresh_token_ciphertext bytea,
  key_id text CHECK (char_length(key_id) BETWEEN 1 AND 100),
  token_expires_at timestamptz,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT external_identities_key_id_required
    CHECK ((access_token_ciphertext IS NULL AND refresh_token_ciphertext IS NULL) OR key_id IS NOT NULL),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- sign in with a provider: find the linked user by (provider, issuer, subject)
CREATE UNIQUE INDEX external_identities_subject_key ON external_identities (provider, issuer, subject);
-- a user's linked accounts (profile page)
CREATE INDEX external_identities_user_idx ON external_identities (tenant_id, user_id);
CREATE TRIGGER external_identities_set_updated_at BEFORE UPDATE ON external_identities
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Inviting creates the user (status 'invited', with e-mail, role, client) and
-- an invitation holding the hash of the token in the invite URL.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- accept an invitation: WHERE token_hash = $1
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
-- a user's invitations (resend, expire the older ones)
CREATE INDEX invitations_user_idx ON invitations (tenant_id, user_id);
