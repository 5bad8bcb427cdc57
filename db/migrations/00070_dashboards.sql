-- 00070 dashboards (docs/dashboards.md). Why each table:
--   dashboards            a grid of widgets with filters every widget obeys; the
--                         public link is stored as a SHA-256 of its token only;
--   widgets               one tile: a kind (type), where its data comes from
--                         (a built-in shape or a saved query) and its place on
--                         the 12-column grid, as columns so the database checks them;
--   dashboard_permissions per user or per role, view < edit < share < admin
--                         (seed 001's dashboard_shares is this table's user rows);
--   dashboard_versions    every save as a JSON snapshot; one may be published.

CREATE TABLE dashboards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  owner_id uuid,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 2000),
  tags text[] NOT NULL DEFAULT '{}' CHECK (array_position(tags, NULL) IS NULL AND cardinality(tags) <= 20),
  -- the default filters: { range, project_id, environment, params }
  filters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
  refresh_seconds integer NOT NULL DEFAULT 300 CHECK (refresh_seconds BETWEEN 30 AND 86400),
  is_public boolean NOT NULL DEFAULT false,
  public_token_hash bytea UNIQUE CHECK (octet_length(public_token_hash) = 32),
  -- filter names a public viewer may change (the rest are the owner's)
  public_editable text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  published_version integer,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT dashboards_public_token CHECK (is_public = (public_token_hash IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (owner_id)
);
-- the list, by name, and "mine"; covers the owner FK
CREATE INDEX dashboards_owner_idx ON dashboards (tenant_id, owner_id);
CREATE INDEX dashboards_name_idx ON dashboards (tenant_id, lower(name));
CREATE TRIGGER dashboards_set_updated_at BEFORE UPDATE ON dashboards
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE widgets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  dashboard_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('line_chart', 'bar_chart', 'pie_chart', 'table', 'metric_card', 'check_status', 'uptime')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  -- a built-in shape (checks_by_status, uptime_daily, …) or 'saved_query'
  query text NOT NULL CHECK (char_length(query) BETWEEN 1 AND 100),
  data_source_id uuid,
  saved_query_id uuid,
  config jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
  pos_x integer NOT NULL CHECK (pos_x BETWEEN 0 AND 11),
  pos_y integer NOT NULL CHECK (pos_y BETWEEN 0 AND 10000),
  pos_w integer NOT NULL CHECK (pos_w BETWEEN 1 AND 12),
  pos_h integer NOT NULL CHECK (pos_h BETWEEN 1 AND 24),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (pos_x + pos_w <= 12),
  CHECK ((query = 'saved_query') = (saved_query_id IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, dashboard_id) REFERENCES dashboards (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE SET NULL (data_source_id),
  FOREIGN KEY (tenant_id, saved_query_id) REFERENCES saved_queries (tenant_id, id) ON DELETE CASCADE
);
-- a dashboard's widgets in grid order; covers the dashboard FK
CREATE INDEX widgets_dashboard_idx ON widgets (tenant_id, dashboard_id, pos_y, pos_x);
CREATE INDEX widgets_source_idx ON widgets (tenant_id, data_source_id) WHERE data_source_id IS NOT NULL;
CREATE INDEX widgets_query_idx ON widgets (tenant_id, saved_query_id) WHERE saved_query_id IS NOT NULL;
CREATE TRIGGER widgets_set_updated_at BEFORE UPDATE ON widgets
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE dashboard_permissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  dashboard_id uuid NOT NULL,
  user_id uuid,
  role_id uuid REFERENCES roles (id) ON DELETE CASCADE,
  level text NOT NULL CHECK (level IN ('view', 'edit', 'share', 'admin')),
  granted_by uuid,
  granted_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) <> (role_id IS NULL)),
  FOREIGN KEY (tenant_id, dashboard_id) REFERENCES dashboards (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, granted_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (granted_by)
);
-- one grant per grantee; covers the dashboard FK
CREATE UNIQUE INDEX dashboard_permissions_user_key ON dashboard_permissions (tenant_id, dashboard_id, user_id)
  WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX dashboard_permissions_role_key ON dashboard_permissions (tenant_id, dashboard_id, role_id)
  WHERE role_id IS NOT NULL;
-- "shared with me"
CREATE INDEX dashboard_permissions_grantee_idx ON dashboard_permissions (tenant_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX dashboard_permissions_role_idx ON dashboard_permissions (role_id) WHERE role_id IS NOT NULL;
CREATE INDEX dashboard_permissions_granted_by_idx ON dashboard_permissions (tenant_id, granted_by)
  WHERE granted_by IS NOT NULL;

CREATE TABLE dashboard_versions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  dashboard_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  -- the dashboard and its widgets as exported (services/dashboards/snapshot.ts)
  snapshot jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- a dashboard's history, newest first; covers the dashboard FK
  PRIMARY KEY (tenant_id, dashboard_id, version),
  FOREIGN KEY (tenant_id, dashboard_id) REFERENCES dashboards (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX dashboard_versions_created_by_idx ON dashboard_versions (tenant_id, created_by)
  WHERE created_by IS NOT NULL;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['dashboards', 'widgets', 'dashboard_permissions', 'dashboard_versions'] LOOP
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

-- The role matrix gains `dashboards`. Other branches extend the same CHECK, so
-- this one adds its name to whatever list is there rather than restating it.
-- Admins: read/write/delete; employees: read/write; clients: read (only what
-- is shared with them; services/dashboards/access.ts).
DO $$
DECLARE
  def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
  WHERE conrelid = 'permissions'::regclass AND conname = 'permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions DROP CONSTRAINT permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions ADD CONSTRAINT permissions_resource_check '
    || replace(def, 'ARRAY[', 'ARRAY[''dashboards''::text, ');
END
$$;
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, 'dashboards', act
FROM roles r, unnest(ARRAY['read', 'write', 'delete']) AS act
WHERE r.tenant_id IS NULL
  AND (r.name = 'admin' OR (r.name = 'employee' AND act <> 'delete') OR (r.name = 'client' AND act = 'read'));
