-- 00014 hourly and daily roll-ups of check results.
-- Why: ten thousand checks a minute is 14 million results a day; a 90-day
-- uptime or latency chart must not read 130,000 raw rows per check. Each
-- roll-up row holds, per check and UTC hour (or day), the counts per status
-- and the latency sum/count/min/max plus a fixed-bucket latency histogram, so
-- averages are exact and p95 is estimated within one bucket (~25 %).
--
-- The roll-ups are maintained by insertCheckResults (db/queries/check_results.ts)
-- in the same statement as the raw rows: its INSERT … ON CONFLICT DO NOTHING
-- RETURNING feeds the upserts, so a re-sent result (same check and instant) is
-- counted once. No trigger: a statement-level trigger would cost a second pass
-- over the batch, and the scheduler is the only writer of results.
--
-- Retention (services/checks/retention.ts) deletes roll-up rows older than
-- OPSDECK_RETENTION_DAYS, like the raw partitions it drops.

-- Upper bounds (ms, exclusive) of the latency histogram's buckets: bucket 1 is
-- < 5 ms, bucket 33 is ≥ 60 s. services/checks/latency_histogram.ts reads percentiles
-- with the same list (LATENCY_BOUNDS_MS); change both together, and only with
-- a rebuild of the roll-ups.
CREATE FUNCTION opsdeck_latency_bucket(ms integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(ms, '{5,10,15,20,30,40,50,75,100,125,150,200,250,300,400,500,600,800,1000,1250,1500,2000,2500,3000,4000,5000,7500,10000,15000,20000,30000,60000}'::integer[]) + 1
$$;

CREATE FUNCTION opsdeck_latency_histogram_step(state integer[], ms integer) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  b integer;
BEGIN
  IF ms IS NOT NULL THEN
    b := opsdeck_latency_bucket(ms);
    state[b] := state[b] + 1;
  END IF;
  RETURN state;
END
$$;

-- opsdeck_latency_histogram(latency_ms): the 33 bucket counts of a group's latencies (NULLs skipped).
CREATE AGGREGATE opsdeck_latency_histogram(integer) (
  SFUNC = opsdeck_latency_histogram_step,
  STYPE = integer[],
  INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}'
);

-- Element-wise sum of two histograms (the upsert adds a batch's counts to a row's; a
-- chart step sums hours). A plpgsql loop on the expanded array is several times
-- faster than unnest … array_agg, which matters at 2,000 hourly rows per chart.
CREATE FUNCTION opsdeck_histogram_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  FOR i IN 1 .. 33 LOOP
    a[i] := a[i] + b[i];
  END LOOP;
  RETURN a;
END
$$;

-- opsdeck_histogram_sum(latency_histogram): sums roll-up rows' histograms (a chart step spanning many hours).
CREATE AGGREGATE opsdeck_histogram_sum(integer[]) (
  SFUNC = opsdeck_histogram_add,
  STYPE = integer[],
  INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}'
);

CREATE TABLE check_results_hourly (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  check_id uuid NOT NULL,
  -- start of the UTC hour
  bucket timestamptz NOT NULL,
  total integer NOT NULL CHECK (total >= 0),
  up integer NOT NULL CHECK (up >= 0),
  down integer NOT NULL CHECK (down >= 0),
  degraded integer NOT NULL CHECK (degraded >= 0),
  -- results that carried a latency (a refused connection or a heartbeat may not)
  latency_count integer NOT NULL CHECK (latency_count >= 0),
  latency_sum bigint NOT NULL,
  latency_min integer,
  latency_max integer,
  latency_histogram integer[] NOT NULL CHECK (cardinality(latency_histogram) = 33),
  CHECK (total = up + down + degraded),
  -- a check's buckets in a range (uptime, charts, status bars); covers both FKs
  PRIMARY KEY (tenant_id, check_id, bucket),
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
-- retention: DELETE … WHERE bucket < $1 across tenants
CREATE INDEX check_results_hourly_bucket_idx ON check_results_hourly (bucket);

CREATE TABLE check_results_daily (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  check_id uuid NOT NULL,
  -- start of the UTC day
  bucket timestamptz NOT NULL,
  total integer NOT NULL CHECK (total >= 0),
  up integer NOT NULL CHECK (up >= 0),
  down integer NOT NULL CHECK (down >= 0),
  degraded integer NOT NULL CHECK (degraded >= 0),
  latency_count integer NOT NULL CHECK (latency_count >= 0),
  latency_sum bigint NOT NULL,
  latency_min integer,
  latency_max integer,
  latency_histogram integer[] NOT NULL CHECK (cardinality(latency_histogram) = 33),
  CHECK (total = up + down + degraded),
  PRIMARY KEY (tenant_id, check_id, bucket),
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX check_results_daily_bucket_idx ON check_results_daily (bucket);

ALTER TABLE check_results_hourly ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON check_results_hourly TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
ALTER TABLE check_results_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON check_results_daily TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());

-- Results already stored (none in a new installation) get their roll-ups.
INSERT INTO check_results_hourly (tenant_id, check_id, bucket, total, up, down, degraded, latency_count, latency_sum,
                                  latency_min, latency_max, latency_histogram)
SELECT tenant_id, check_id, date_trunc('hour', checked_at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'up'),
       count(*) FILTER (WHERE status = 'down'), count(*) FILTER (WHERE status = 'degraded'), count(latency_ms),
       coalesce(sum(latency_ms), 0), min(latency_ms), max(latency_ms), opsdeck_latency_histogram(latency_ms)
FROM check_results
GROUP BY 1, 2, 3;
INSERT INTO check_results_daily (tenant_id, check_id, bucket, total, up, down, degraded, latency_count, latency_sum,
                                 latency_min, latency_max, latency_histogram)
SELECT tenant_id, check_id, date_trunc('day', bucket, 'UTC'), sum(total), sum(up), sum(down), sum(degraded),
       sum(latency_count), sum(latency_sum), min(latency_min), max(latency_max), opsdeck_histogram_sum(latency_histogram)
FROM check_results_hourly
GROUP BY 1, 2, 3;
