-- 00011 a daily rollup of deployments for delivery metrics (DORA).
-- Why: GET /api/v1/delivery-metrics read every finished deployment of the
-- window; organisation-wide over 90 days that is ~100,000 rows sorted by a
-- window function (~1.2 s p95). The answer now reads one row per project,
-- environment and UTC day (deployment_daily) plus the restore samples
-- (deployment_restores, one row per run of failures), and only the two partial
-- days at the window's edges from deployments itself.
--
-- Both tables are kept by statement-level triggers on deployments, so every
-- write (the API, the GitHub webhook, a bulk INSERT … SELECT, an environment
-- rename cascading onto deployments) updates them in its own transaction. The
-- triggers recompute what a statement touched from deployments rather than
-- adding deltas, so they are idempotent and the backfill below is the same
-- computation over everything. A tenant's deployment writes are serialised by
-- a transaction-scoped advisory lock, so two concurrent writes cannot
-- recompute from snapshots that miss each other; they were already serialised
-- per tenant by the audit chain each of them appends to.

-- Lead time histogram bucket (1-based) of a duration in seconds: bucket 1 is
-- under a minute, then 4 buckets per doubling from 60 s (each ~19 % wide), the
-- last bucket (80) open-ended from 60 s × 2^19.5 (~1.4 years). The service
-- (services/delivery_metrics/histogram.ts) reads percentiles from it with the
-- same constants: LEAD_BUCKETS, BUCKETS_PER_DOUBLING, BUCKET_BASE_SECONDS.
CREATE FUNCTION opsdeck_lead_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN seconds IS NULL THEN NULL
              WHEN seconds < 60 THEN 1
              ELSE least(80, 2 + floor(4 * ln(seconds / 60) / ln(2))::integer) END
$$;

CREATE TABLE deployment_daily (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  environment text NOT NULL,
  -- the UTC day of created_at (the metrics bucket deployments by when they were recorded)
  day date NOT NULL,
  succeeded integer NOT NULL,
  failed integer NOT NULL,
  rolled_back integer NOT NULL,
  -- lead time for changes of the day's succeeded and rolled-back deployments that sent committed_at
  lead_samples integer NOT NULL,
  lead_seconds_sum double precision NOT NULL,
  lead_histogram integer[] NOT NULL CHECK (cardinality(lead_histogram) = 80),
  PRIMARY KEY (tenant_id, project_id, environment, day),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, project_id, environment)
    REFERENCES project_environments (tenant_id, project_id, name) ON UPDATE CASCADE ON DELETE CASCADE
);
-- tenant-wide metrics: WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 (per project: the primary key)
CREATE INDEX deployment_daily_tenant_day_idx ON deployment_daily (tenant_id, day);

-- The lead time histograms of deployment_daily summed over the tenant's projects
-- per environment and day: the organisation-wide answer adds up ~90 of these
-- instead of element-wise summing thousands of per-project rows. Kept with
-- deployment_daily (opsdeck_refresh_deployment_daily). The primary key serves
-- WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 [AND environment = $4].
CREATE TABLE deployment_daily_totals (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  environment text NOT NULL,
  day date NOT NULL,
  lead_histogram integer[] NOT NULL CHECK (cardinality(lead_histogram) = 80),
  PRIMARY KEY (tenant_id, day, environment)
);

-- Time to restore, one row per run of failures that a success ended: the run's
-- first failure (failed or rolled_back after a success, or first ever) in a
-- project environment, in (created_at, id) order, and the seconds from its end
-- to the end of the next success there. Exact, and few rows (one per outage).
CREATE TABLE deployment_restores (
  deployment_id uuid PRIMARY KEY REFERENCES deployments (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  environment text NOT NULL,
  created_at timestamptz NOT NULL,
  seconds double precision NOT NULL,
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, project_id, environment)
    REFERENCES project_environments (tenant_id, project_id, name) ON UPDATE CASCADE ON DELETE CASCADE
);
-- the metrics' window (tenant-wide) and the triggers' recompute range (per environment)
CREATE INDEX deployment_restores_tenant_created_idx ON deployment_restores (tenant_id, created_at);
CREATE INDEX deployment_restores_env_created_idx ON deployment_restores (tenant_id, project_id, environment, created_at);

ALTER TABLE deployment_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deployment_daily TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
ALTER TABLE deployment_daily_totals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deployment_daily_totals TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
ALTER TABLE deployment_restores ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deployment_restores TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());

-- Recomputes the deployment_daily rows of the given (project environment, UTC day) keys from deployments, then
-- the deployment_daily_totals rows of their (environment, day) from deployment_daily.
CREATE FUNCTION opsdeck_refresh_deployment_daily(keys jsonb) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM deployment_daily r
  USING jsonb_array_elements(keys) e
  WHERE r.tenant_id = (e ->> 't')::uuid AND r.project_id = (e ->> 'p')::uuid AND r.environment = e ->> 'e'
    AND r.day = (e ->> 'd')::date;
  INSERT INTO deployment_daily (tenant_id, project_id, environment, day, succeeded, failed, rolled_back, lead_samples,
                                lead_seconds_sum, lead_histogram)
  SELECT k.tenant_id, k.project_id, k.environment, k.day,
         count(*) FILTER (WHERE v.status = 'succeeded')::int, count(*) FILTER (WHERE v.status = 'failed')::int,
         count(*) FILTER (WHERE v.status = 'rolled_back')::int, count(v.lead)::int, coalesce(sum(v.lead), 0),
         (SELECT array_agg(coalesce(c.n, 0) ORDER BY g)
          FROM generate_series(1, 80) g
          LEFT JOIN (SELECT x, count(*)::int AS n FROM unnest(array_agg(opsdeck_lead_bucket(v.lead))) x GROUP BY x) c
            ON c.x = g)
  FROM (
    SELECT DISTINCT (e ->> 't')::uuid AS tenant_id, (e ->> 'p')::uuid AS project_id, e ->> 'e' AS environment,
           (e ->> 'd')::date AS day
    FROM jsonb_array_elements(keys) e
  ) k
  JOIN LATERAL (
    SELECT d.status,
           CASE WHEN d.status IN ('succeeded', 'rolled_back') AND coalesce(d.finished_at, d.created_at) >= d.committed_at
                THEN extract(epoch FROM coalesce(d.finished_at, d.created_at) - d.committed_at)::float8 END AS lead
    FROM deployments d
    WHERE d.tenant_id = k.tenant_id AND d.project_id = k.project_id AND d.environment = k.environment
      AND d.created_at >= k.day::timestamp AT TIME ZONE 'UTC'
      AND d.created_at < (k.day + 1)::timestamp AT TIME ZONE 'UTC'
      AND d.status IN ('succeeded', 'failed', 'rolled_back')
    OFFSET 0 -- keeps the per-key index range scan (deployments_project_env_idx) instead of a hash join
  ) v ON true
  GROUP BY k.tenant_id, k.project_id, k.environment, k.day;
  DELETE FROM deployment_daily_totals r
  USING jsonb_array_elements(keys) e
  WHERE r.tenant_id = (e ->> 't')::uuid AND r.environment = e ->> 'e' AND r.day = (e ->> 'd')::date;
  INSERT INTO deployment_daily_totals (tenant_id, environment, day, lead_histogram)
  SELECT tenant_id, environment, day, lead_histogram
  FROM (
    SELECT k.tenant_id, k.environment, k.day,
           (SELECT array_agg(n ORDER BY i) FROM (
              SELECT u.i, sum(u.n)::int AS n
              FROM deployment_daily r, unnest(r.lead_histogram) WITH ORDINALITY u(n, i)
              WHERE r.tenant_id = k.tenant_id AND r.day = k.day AND r.environment = k.environment
              GROUP BY u.i) s) AS lead_histogram
    FROM (
      SELECT DISTINCT (e ->> 't')::uuid AS tenant_id, e ->> 'e' AS environment, (e ->> 'd')::date AS day
      FROM jsonb_array_elements(keys) e
    ) k
  ) t
  -- no deployment_daily row left for that environment and day: no totals row either
  WHERE lead_histogram IS NOT NULL;
$$;

-- Recomputes the restore samples of one project environment whose deployments
-- changed between `low` and `high` (created_at). Only runs between the last
-- success before `low` and the first success after `high` can change; the
-- window functions read one more success on each side (at a distinct time) so
-- deployments sharing a timestamp are ordered as in a full pass.
CREATE FUNCTION opsdeck_refresh_deployment_restores(
  t uuid, p uuid, env text, low timestamptz, high timestamptz
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  from_at timestamptz;
  read_from timestamptz;
  to_at timestamptz;
  read_to timestamptz;
BEGIN
  SELECT max(created_at) INTO from_at FROM deployments
  WHERE tenant_id = t AND project_id = p AND environment = env AND status = 'succeeded' AND created_at < low;
  SELECT max(created_at) INTO read_from FROM deployments
  WHERE tenant_id = t AND project_id = p AND environment = env AND status = 'succeeded' AND created_at < from_at;
  SELECT min(created_at) INTO to_at FROM deployments
  WHERE tenant_id = t AND project_id = p AND environment = env AND status = 'succeeded' AND created_at > high;
  SELECT min(created_at) INTO read_to FROM deployments
  WHERE tenant_id = t AND project_id = p AND environment = env AND status = 'succeeded' AND created_at > to_at;

  DELETE FROM deployment_restores
  WHERE tenant_id = t AND project_id = p AND environment = env
    AND created_at >= coalesce(from_at, '-infinity') AND created_at <= coalesce(to_at, 'infinity');
  INSERT INTO deployment_restores (deployment_id, tenant_id, project_id, environment, created_at, seconds)
  SELECT w.id, t, p, env, w.created_at, extract(epoch FROM w.restored_at - w.done_at)
  FROM (
    SELECT d.id, d.status, d.created_at, coalesce(d.finished_at, d.created_at) AS done_at,
           lag(d.status) OVER env_order AS previous,
           min(coalesce(d.finished_at, d.created_at)) FILTER (WHERE d.status = 'succeeded')
             OVER (env_order ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS restored_at
    FROM deployments d
    WHERE d.tenant_id = t AND d.project_id = p AND d.environment = env
      AND d.status IN ('succeeded', 'failed', 'rolled_back')
      AND d.created_at >= coalesce(read_from, '-infinity') AND d.created_at <= coalesce(read_to, 'infinity')
    WINDOW env_order AS (ORDER BY d.created_at, d.id)
  ) w
  WHERE w.status IN ('failed', 'rolled_back') AND (w.previous IS NULL OR w.previous NOT IN ('failed', 'rolled_back'))
    AND w.restored_at IS NOT NULL
    AND w.created_at >= coalesce(from_at, '-infinity') AND w.created_at <= coalesce(to_at, 'infinity');
END
$$;

-- The statement's changed deployments (before and after) as (project environment, UTC day) keys with the
-- earliest and latest created_at, for the two refreshes above.
CREATE FUNCTION opsdeck_deployments_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  keys jsonb;
  e record;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_agg(c) INTO keys FROM (
      SELECT tenant_id AS t, project_id AS p, environment AS e, (created_at AT TIME ZONE 'UTC')::date AS d,
             min(created_at) AS low, max(created_at) AS high
      FROM (SELECT tenant_id, project_id, environment, created_at FROM changed_after
            UNION ALL SELECT tenant_id, project_id, environment, created_at FROM changed_before) u
      GROUP BY 1, 2, 3, 4
    ) c;
  ELSE
    SELECT jsonb_agg(c) INTO keys FROM (
      SELECT tenant_id AS t, project_id AS p, environment AS e, (created_at AT TIME ZONE 'UTC')::date AS d,
             min(created_at) AS low, max(created_at) AS high
      FROM changed_after GROUP BY 1, 2, 3, 4
    ) c;
  END IF;
  IF keys IS NULL THEN
    RETURN NULL;
  END IF;

  -- One lock per tenant (deployment_daily_totals rows span its projects), taken before any refresh reads.
  PERFORM pg_advisory_xact_lock(hashtextextended('deployment_rollup:' || t, 0))
  FROM (SELECT DISTINCT k ->> 't' AS t FROM jsonb_array_elements(keys) k ORDER BY 1) tenants;
  FOR e IN
    SELECT (k ->> 't')::uuid AS t, (k ->> 'p')::uuid AS p, k ->> 'e' AS env,
           min((k ->> 'low')::timestamptz) AS low, max((k ->> 'high')::timestamptz) AS high
    FROM jsonb_array_elements(keys) k GROUP BY 1, 2, 3
  LOOP
    PERFORM opsdeck_refresh_deployment_restores(e.t, e.p, e.env, e.low, e.high);
  END LOOP;
  PERFORM opsdeck_refresh_deployment_daily(keys);
  RETURN NULL;
END
$$;

CREATE TRIGGER deployments_rollup_insert AFTER INSERT ON deployments
  REFERENCING NEW TABLE AS changed_after
  FOR EACH STATEMENT EXECUTE FUNCTION opsdeck_deployments_rollup();
CREATE TRIGGER deployments_rollup_update AFTER UPDATE ON deployments
  REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed_after
  FOR EACH STATEMENT EXECUTE FUNCTION opsdeck_deployments_rollup();

-- Backfill: the same computation over every existing deployment.
SELECT opsdeck_refresh_deployment_daily(coalesce((
  SELECT jsonb_agg(DISTINCT jsonb_build_object('t', tenant_id, 'p', project_id, 'e', environment,
                                               'd', (created_at AT TIME ZONE 'UTC')::date))
  FROM deployments), '[]'));
SELECT opsdeck_refresh_deployment_restores(tenant_id, project_id, environment, '-infinity', 'infinity')
FROM (SELECT DISTINCT tenant_id, project_id, environment FROM deployments) e;
