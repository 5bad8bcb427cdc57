-- 00090 insights: ops scores, quick wins, usage analytics, user activity (issue 18, seeds 003 and 004).
-- Why: Opsdeck's own data says how healthy a team's operations are. Scores are
-- stored per period with the formula version that computed them, and a
-- period's row is frozen (final) once computed after the period ended, so a
-- later formula never rewrites history. Quick wins keep one row per (rule,
-- subject) so a dismissal survives re-evaluation. user_activity is
-- partitioned by month like check_results and dropped whole by retention.
-- Seed 004's activity_logs is not a table: the feed reads audits and events.

-- seed 004 efficiency_metrics, per project or client instead of per user
CREATE TABLE efficiency_metrics (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  scope_type text NOT NULL CHECK (scope_type IN ('project', 'client')),
  -- a project or client id (no FK: one column for two parents; rows go with retention of the tenant)
  scope_id uuid NOT NULL,
  period text NOT NULL CHECK (period IN ('week', 'month')),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end > period_start),
  -- NULL: no component had data
  score integer CHECK (score BETWEEN 0 AND 100),
  -- { name: { score, weight, value, detail } } as formula_version defines them
  components jsonb NOT NULL CHECK (jsonb_typeof(components) = 'object'),
  -- the additive inputs the components were computed from (a client's are its projects' sums)
  inputs jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'object'),
  time_saved_hours numeric(8, 2) NOT NULL DEFAULT 0 CHECK (time_saved_hours >= 0),
  active_tools_count integer NOT NULL DEFAULT 0 CHECK (active_tools_count >= 0),
  formula_version integer NOT NULL CHECK (formula_version >= 1),
  -- computed after period_end: never recomputed again
  final boolean NOT NULL DEFAULT false,
  computed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- a scope's trend (ORDER BY period_start) and the upsert's key; covers the tenant FK
  PRIMARY KEY (tenant_id, scope_type, scope_id, period, period_start)
);
-- the league table: a tenant's scores of one period
CREATE INDEX efficiency_metrics_league_idx ON efficiency_metrics (tenant_id, period, period_start, scope_type);

CREATE TABLE quick_wins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- the rule module's id (services/insights/quick_wins/registry.ts)
  rule text NOT NULL CHECK (rule ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject_type text NOT NULL CHECK (subject_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject_id uuid NOT NULL,
  -- NULL for tenant-wide subjects (a channel, an API key, a user)
  project_id uuid,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 255),
  description text NOT NULL CHECK (char_length(description) <= 2000),
  category text NOT NULL CHECK (category IN ('reliability', 'alerting', 'delivery', 'security', 'hygiene')),
  impact text NOT NULL CHECK (impact IN ('low', 'medium', 'high')),
  effort text NOT NULL CHECK (effort IN ('low', 'medium', 'high')),
  -- minutes per month the fix saves (the rule's documented assumption)
  estimated_minutes_saved integer NOT NULL CHECK (estimated_minutes_saved >= 0),
  fix_path text CHECK (fix_path ~ '^/'),
  -- open: shown; completed/dismissed: a person's word; cleared: the condition no longer holds
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'dismissed', 'cleared')),
  dismiss_reason text CHECK (char_length(dismiss_reason) BETWEEN 1 AND 500),
  decided_by uuid,
  decided_at timestamptz,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  cleared_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT quick_wins_dismiss_reason CHECK ((status = 'dismissed') = (dismiss_reason IS NOT NULL)),
  -- one row per rule and subject, found again at every evaluation; covers the tenant FK
  UNIQUE (tenant_id, rule, subject_id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (decided_by)
);
-- open quick wins of a project (project and client pages); covers the project FK
CREATE INDEX quick_wins_project_idx ON quick_wins (tenant_id, project_id) WHERE project_id IS NOT NULL;
-- the overview's top three and the list: a tenant's open ones
CREATE INDEX quick_wins_status_idx ON quick_wins (tenant_id, status);
-- covers the decided_by FK
CREATE INDEX quick_wins_decided_by_idx ON quick_wins (tenant_id, decided_by) WHERE decided_by IS NOT NULL;
CREATE TRIGGER quick_wins_set_updated_at BEFORE UPDATE ON quick_wins
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- seed 004 usage_analytics, per tenant (the platforms are the tenant's)
CREATE TABLE usage_analytics (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  platform text NOT NULL CHECK (platform IN ('slack', 'email', 'webhook', 'github', 'data_sources', 'api_keys')),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end > period_start),
  usage_percentage integer NOT NULL CHECK (usage_percentage BETWEEN 0 AND 100),
  status text NOT NULL CHECK (status IN ('optimal', 'needs_attention', 'underutilized', 'moderate')),
  configured integer NOT NULL CHECK (configured >= 0),
  active integer NOT NULL CHECK (active >= 0),
  failing integer NOT NULL CHECK (failing >= 0),
  computed_at timestamptz NOT NULL,
  -- a tenant's platforms of a period; covers the tenant FK
  PRIMARY KEY (tenant_id, period_start, platform)
);

-- seed 003 user_activity; no FK to users: a row outlives nothing it must
-- follow, and FK checks would cost the batched insert
CREATE TABLE user_activity (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  session_id text CHECK (char_length(session_id) <= 100),
  activity_type text NOT NULL CHECK (activity_type IN ('page_view', 'api_read', 'api_write', 'page_write')),
  resource_type text NOT NULL CHECK (char_length(resource_type) BETWEEN 1 AND 100),
  resource_id text CHECK (char_length(resource_id) <= 200),
  at timestamptz NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE user_activity_default PARTITION OF user_activity DEFAULT;
-- the admin page per user, newest first; covers the tenant FK
CREATE INDEX user_activity_user_idx ON user_activity (tenant_id, user_id, at DESC);
-- the admin page per resource, newest first
CREATE INDEX user_activity_resource_idx ON user_activity (tenant_id, resource_type, resource_id, at DESC);

-- the feed filtered by actor reads audits by actor_user_id already; events by type use this
-- (events_tenant_created_idx serves the unfiltered feed)
CREATE INDEX events_type_idx ON events (tenant_id, type, created_at DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['efficiency_metrics', 'quick_wins', 'usage_analytics', 'user_activity'] LOOP
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
