-- 00013 check scheduler state: flap detection and the scheduler's two queues.
-- Why: a check that keeps changing state must not page on every change, so
-- each check remembers its last raw outcomes (one letter per run, newest
-- last: u = up, d = down, g = degraded) and whether it is currently treated
-- as flapping (its published status is then held until it settles).
-- The scheduler polls two queues many times a second across all tenants:
-- probes (http/tcp) due to run, and heartbeats whose deadline passed. Each
-- gets a partial index that holds only its rows, so heartbeats that were
-- never pinged (their next_run_at is never advanced) and paused checks are
-- not even visited by the probe claim.

ALTER TABLE health_checks
  ADD COLUMN recent_outcomes text NOT NULL DEFAULT '' CHECK (recent_outcomes ~ '^[udg]{0,21}$'),
  ADD COLUMN flapping boolean NOT NULL DEFAULT false;

-- the probe claim: WHERE NOT paused AND type IN ('http', 'tcp') AND next_run_at <= $now
-- ORDER BY next_run_at FOR UPDATE SKIP LOCKED
CREATE INDEX health_checks_probe_due_idx ON health_checks (next_run_at)
  WHERE NOT paused AND type IN ('http', 'tcp');
-- missed heartbeats: only those pinged at least once have a deadline
CREATE INDEX health_checks_heartbeat_due_idx ON health_checks (next_run_at)
  WHERE NOT paused AND type = 'heartbeat' AND last_ping_at IS NOT NULL;
