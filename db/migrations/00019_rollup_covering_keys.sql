-- 00019 covering keys on the check-result roll-ups.
-- Why: uptime over 90 days for a board of 100 checks sums ~15,000 roll-up
-- rows (whole days, plus the hours at each window's edges). Hourly rows are
-- written an hour at a time for every check, so one check's hours sit on as
-- many heap pages as it has rows, and the heap visit per row was most of the
-- query's time. With the counts uptime reads in the key's index, those reads
-- are index-only scans once autovacuum has marked the settled pages visible
-- (every hour but the current one): measured 42 → 23 ms for the board's
-- uptime. The cost is that roll-up updates are no longer HOT, one more index
-- entry per update: a few hundred a second at 10,000 checks a minute.
ALTER TABLE check_results_hourly
  DROP CONSTRAINT check_results_hourly_pkey,
  ADD PRIMARY KEY (tenant_id, check_id, bucket) INCLUDE (total, up, degraded);
ALTER TABLE check_results_daily
  DROP CONSTRAINT check_results_daily_pkey,
  ADD PRIMARY KEY (tenant_id, check_id, bucket) INCLUDE (total, up, degraded);
