-- 00140 a daily roll-up of check results across a project's checks.
-- Why: the dashboards' uptime_daily and latency_daily widgets sum one project
-- or tenant per UTC day, yet read check_results_daily, one row per check and
-- day: 60,000 rows for 2,000 checks over 30 days (p95 300–450 ms). This table
-- holds the same sums per project and day, so the widgets read (projects × days)
-- rows. A client user's scope is a set of projects, so the per-project grain is
-- the coarsest one that keeps client scoping exact.
--
-- Kept correct by the writers of check_results_daily:
-- * insertCheckResults (db/queries/check_results.ts) upserts it in the same
--   statement as the per-check roll-ups, from the same inserted rows;
-- * the triggers below: a check deleted takes its days out of its project's
--   rows, a check moved to another project moves its days with it, so these
--   rows always equal the sums of check_results_daily over the checks a
--   project has now (what the widgets showed before);
-- * retention deletes its rows with the same cutoff as check_results_daily.
-- Like its siblings it is not partitioned: at most projects × retention days.
-- Only the counts and latency sums are kept: no widget reads a p95 or min/max
-- across checks.

CREATE TABLE check_results_project_daily (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  -- start of the UTC day
  bucket timestamptz NOT NULL,
  total integer NOT NULL,
  up integer NOT NULL,
  down integer NOT NULL,
  degraded integer NOT NULL,
  latency_count integer NOT NULL,
  latency_sum bigint NOT NULL,
  -- a project's (or a client's projects') days in a range; covers the FK
  PRIMARY KEY (tenant_id, project_id, bucket),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
-- retention: DELETE … WHERE bucket < $1 across tenants
CREATE INDEX check_results_project_daily_bucket_idx ON check_results_project_daily (bucket);

ALTER TABLE check_results_project_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON check_results_project_daily TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());

-- Adds (sign 1) or takes away (sign -1) one check's daily rows to or from a project's.
CREATE FUNCTION opsdeck_project_daily_apply(t uuid, c uuid, p uuid, sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO check_results_project_daily AS r (tenant_id, project_id, bucket, total, up, down, degraded,
                                                latency_count, latency_sum)
  SELECT t, p, d.bucket, sign * d.total, sign * d.up, sign * d.down, sign * d.degraded, sign * d.latency_count,
         sign * d.latency_sum
  FROM check_results_daily d
  WHERE d.tenant_id = t AND d.check_id = c
  ORDER BY d.bucket
  ON CONFLICT (tenant_id, project_id, bucket) DO UPDATE SET
    total = r.total + excluded.total, up = r.up + excluded.up, down = r.down + excluded.down,
    degraded = r.degraded + excluded.degraded, latency_count = r.latency_count + excluded.latency_count,
    latency_sum = r.latency_sum + excluded.latency_sum
$$;

-- BEFORE DELETE: the check's daily rows still exist (the cascade removes them afterwards).
CREATE FUNCTION opsdeck_project_daily_check_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM opsdeck_project_daily_apply(OLD.tenant_id, OLD.id, OLD.project_id, -1);
  RETURN OLD;
END
$$;
CREATE TRIGGER health_checks_project_daily_delete BEFORE DELETE ON health_checks
  FOR EACH ROW EXECUTE FUNCTION opsdeck_project_daily_check_deleted();

CREATE FUNCTION opsdeck_project_daily_check_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM opsdeck_project_daily_apply(OLD.tenant_id, OLD.id, OLD.project_id, -1);
  PERFORM opsdeck_project_daily_apply(NEW.tenant_id, NEW.id, NEW.project_id, 1);
  RETURN NULL;
END
$$;
CREATE TRIGGER health_checks_project_daily_move AFTER UPDATE OF project_id ON health_checks
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id)
  EXECUTE FUNCTION opsdeck_project_daily_check_moved();

-- Days already rolled up (none in a new installation).
INSERT INTO check_results_project_daily (tenant_id, project_id, bucket, total, up, down, degraded, latency_count,
                                         latency_sum)
SELECT d.tenant_id, h.project_id, d.bucket, sum(d.total), sum(d.up), sum(d.down), sum(d.degraded),
       sum(d.latency_count), sum(d.latency_sum)
FROM check_results_daily d JOIN health_checks h ON h.tenant_id = d.tenant_id AND h.id = d.check_id
GROUP BY 1, 2, 3;
