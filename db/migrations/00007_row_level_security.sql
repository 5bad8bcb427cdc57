-- Tenant isolation enforced by PostgreSQL itself, as a second guard behind the
-- `tenant_id = …` filter every query carries. Request work runs inside
-- `withTenant()` (db/tenant.ts), which switches to the non-owner role
-- opsdeck_app and sets opsdeck.tenant_id for the transaction; a query that
-- forgets its tenant filter then still sees only that tenant's rows.
-- Deliberately cross-tenant work (looking up a session or API key by its hash,
-- login by e-mail, super-admin screens, background loops) runs as the owning
-- role, which row-level security does not apply to (no FORCE).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'opsdeck_app') THEN
    CREATE ROLE opsdeck_app NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
GRANT opsdeck_app TO CURRENT_USER;

GRANT USAGE ON SCHEMA public TO opsdeck_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO opsdeck_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO opsdeck_app;
-- The audit trail is append-only for the application, by grant as well as by trigger.
REVOKE UPDATE, DELETE, TRUNCATE ON audits FROM opsdeck_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM opsdeck_app;

CREATE FUNCTION opsdeck_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('opsdeck.tenant_id', true), '')::uuid
$$;

-- Every table with a NOT NULL tenant_id gets the same policy.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnotnull
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO opsdeck_app
         USING (tenant_id = opsdeck_current_tenant())
         WITH CHECK (tenant_id = opsdeck_current_tenant())',
      t.relname
    );
  END LOOP;
END
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants TO opsdeck_app
  USING (id = opsdeck_current_tenant())
  WITH CHECK (id = opsdeck_current_tenant());

-- Built-in roles (tenant_id NULL) are shared; custom roles belong to one tenant.
ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON roles TO opsdeck_app
  USING (tenant_id IS NULL OR tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());

ALTER TABLE permissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON permissions TO opsdeck_app
  USING (EXISTS (SELECT 1 FROM roles r WHERE r.id = role_id))
  WITH CHECK (EXISTS (SELECT 1 FROM roles r WHERE r.id = role_id AND r.tenant_id = opsdeck_current_tenant()));
