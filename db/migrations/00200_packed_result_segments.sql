-- 00200 packed result segments (issue 14, docs/performance.md "Packed result segments").
-- Why: one row per result cost 156 B (85 B heap, 73 B primary key). A closed
-- UTC day of check_results is packed into one row per check and hour holding
-- arrays, which TOAST compresses, so a result costs a few bytes and its index
-- entry is shared by the whole hour.
--
-- * check_results stays the one write target (insertCheckResults), now a
--   staging table: the sealer (services/checks/sealer.ts) packs each closed day
--   into check_result_segments and moves check_result_seal.sealed_before past it
--   in the same transaction. Readers take raw rows at or after sealed_before and
--   segments before it (opsdeck_check_results), so no result is read twice or
--   missed while a day is being sealed. Raw partitions wholly before
--   sealed_before are dropped whole by retention.
-- * A result written for an instant before sealing_before (a late batch) is
--   queued in check_result_late by the same insert statement; the sealer merges
--   it into its hour's segment. A result whose instant is already in a sealed
--   segment is skipped by the insert (like ON CONFLICT DO NOTHING), so it is
--   neither lost nor counted twice in the roll-ups.
-- * check_results is partitioned by UTC day from now on (check_results_pYYYY_MM_DD,
--   services/workers/partitions.ts), so a sealed day's raw rows go whole the day
--   after; the monthly partitions already made stay until they are sealed, except
--   the empty ones of coming months, dropped below so that days take over sooner.
-- * Writers read check_result_seal FOR SHARE; the sealer updates it, so it waits
--   for batches in flight and a batch never sees half a seal.
CREATE TABLE check_result_segments (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  check_id uuid NOT NULL,
  -- the UTC hour the results fall in
  hour timestamptz NOT NULL,
  -- microseconds since `hour`, ascending (check_results.checked_at precision: the result list's cursor relies on it)
  offsets int8[] NOT NULL,
  -- u up, d down, g degraded: one byte each
  statuses "char"[] NOT NULL,
  latencies int4[] NOT NULL,
  status_codes int2[] NOT NULL,
  -- NULL when no result of the hour had a detail (the common case); else one entry per result
  details text[],
  CHECK (cardinality(statuses) = cardinality(offsets) AND cardinality(latencies) = cardinality(offsets)
    AND cardinality(status_codes) = cardinality(offsets)
    AND (details IS NULL OR cardinality(details) = cardinality(offsets))),
  PRIMARY KEY (tenant_id, check_id, hour),
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
) PARTITION BY RANGE (hour);
-- Partitions are created like check_results' (services/workers/partitions.ts), with a low
-- toast_tuple_target so that an hour of a 60 s check (about 1 kB) is compressed too.
CREATE TABLE check_result_segments_default PARTITION OF check_result_segments DEFAULT
  WITH (toast_tuple_target = 128);

SELECT opsdeck_isolate_by_tenant('check_result_segments');

-- One row. sealed_before: every result before it is in check_result_segments (a UTC day
-- boundary; -infinity until the first seal). sealing_before: the day being sealed ends here,
-- so a batch writing before it queues its hours for a merge.
CREATE TABLE check_result_seal (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  sealed_before timestamptz NOT NULL,
  sealing_before timestamptz NOT NULL,
  CHECK (sealing_before >= sealed_before)
);
INSERT INTO check_result_seal (sealed_before, sealing_before) VALUES ('-infinity', '-infinity');

-- Hours that got results after (or while) they were sealed; the sealer merges them.
CREATE TABLE check_result_late (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  check_id uuid NOT NULL,
  hour timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, check_id, hour),
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
SELECT opsdeck_isolate_by_tenant('check_result_late');

-- The results of one check in [p_from, p_to), raw and packed alike, as rows of check_results.
-- A plain SQL set-returning function, so PostgreSQL inlines it: each arm keeps its own
-- index range scan (check_results' and check_result_segments' primary keys), and the
-- sealed_before sub-select prunes partitions at run time.
CREATE FUNCTION opsdeck_check_results(p_tenant uuid, p_check uuid, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (check_id uuid, checked_at timestamptz, status text, latency_ms integer, status_code integer,
               detail text)
LANGUAGE sql STABLE AS $$
  SELECT c.check_id, c.checked_at, c.status, c.latency_ms, c.status_code, c.detail
  FROM check_results c
  WHERE c.tenant_id = p_tenant AND c.check_id = p_check AND c.checked_at >= p_from AND c.checked_at < p_to
    AND c.checked_at >= (SELECT sealed_before FROM check_result_seal)
  UNION ALL
  SELECT s.check_id, s.hour + u.off * interval '1 microsecond',
         CASE u.st WHEN 'u' THEN 'up' WHEN 'd' THEN 'down' ELSE 'degraded' END, u.lat, u.code::integer, u.detail
  FROM check_result_segments s
  CROSS JOIN LATERAL unnest(s.offsets, s.statuses, s.latencies, s.status_codes, s.details) AS u(off, st, lat, code, detail)
  WHERE s.tenant_id = p_tenant AND s.check_id = p_check AND s.hour > p_from - interval '1 hour' AND s.hour < p_to
    AND s.hour < (SELECT sealed_before FROM check_result_seal)
    AND s.hour + u.off * interval '1 microsecond' >= p_from AND s.hour + u.off * interval '1 microsecond' < p_to
$$;

-- The same results with their status only, for the readers that count (uptime edges, status
-- bars, checks around a deployment): a segment's other arrays are then not decompressed.
CREATE FUNCTION opsdeck_check_statuses(p_tenant uuid, p_check uuid, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (check_id uuid, checked_at timestamptz, status text)
LANGUAGE sql STABLE AS $$
  SELECT c.check_id, c.checked_at, c.status
  FROM check_results c
  WHERE c.tenant_id = p_tenant AND c.check_id = p_check AND c.checked_at >= p_from AND c.checked_at < p_to
    AND c.checked_at >= (SELECT sealed_before FROM check_result_seal)
  UNION ALL
  SELECT s.check_id, s.hour + u.off * interval '1 microsecond',
         CASE u.st WHEN 'u' THEN 'up' WHEN 'd' THEN 'down' ELSE 'degraded' END
  FROM check_result_segments s
  CROSS JOIN LATERAL unnest(s.offsets, s.statuses) AS u(off, st)
  WHERE s.tenant_id = p_tenant AND s.check_id = p_check AND s.hour > p_from - interval '1 hour' AND s.hour < p_to
    AND s.hour < (SELECT sealed_before FROM check_result_seal)
    AND s.hour + u.off * interval '1 microsecond' >= p_from AND s.hour + u.off * interval '1 microsecond' < p_to
$$;

-- A check's newest result (the board's LATERAL): the newest raw row, else the last entry
-- of the newest segment. Raw rows at or after sealed_before are newer than any sealed one, so
-- the arms are appended in that order without a sort, and LIMIT 1 stops after the raw arm
-- whenever it has a row: the segment (whose arrays must be decompressed) is read only for a
-- check with no result since the last seal.
CREATE FUNCTION opsdeck_last_check_result(p_tenant uuid, p_check uuid)
RETURNS TABLE (checked_at timestamptz, status text, latency_ms integer, status_code integer, detail text)
LANGUAGE sql STABLE AS $$
  (SELECT c.checked_at, c.status, c.latency_ms, c.status_code, c.detail
   FROM check_results c
   WHERE c.tenant_id = p_tenant AND c.check_id = p_check
     AND c.checked_at >= (SELECT sealed_before FROM check_result_seal)
   ORDER BY c.checked_at DESC LIMIT 1)
  UNION ALL
  (SELECT s.hour + s.offsets[n] * interval '1 microsecond',
          CASE s.statuses[n] WHEN 'u' THEN 'up' WHEN 'd' THEN 'down' ELSE 'degraded' END, s.latencies[n],
          s.status_codes[n]::integer, s.details[n]
   FROM check_result_segments s CROSS JOIN LATERAL (SELECT cardinality(s.offsets) AS n) k
   WHERE s.tenant_id = p_tenant AND s.check_id = p_check
     AND s.hour < (SELECT sealed_before FROM check_result_seal)
   ORDER BY s.hour DESC LIMIT 1)
  LIMIT 1
$$;

DO $$
DECLARE
  p record;
  has_rows boolean;
BEGIN
  FOR p IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'check_results'::regclass AND c.relname ~ '^check_results_p[0-9]{4}_[0-9]{2}$'
      AND to_date(substr(c.relname, 16), 'YYYY_MM') > now()
  LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', p.relname) INTO has_rows;
    IF NOT has_rows THEN
      EXECUTE format('DROP TABLE %I', p.relname);
    END IF;
  END LOOP;
END
$$;
