-- 00125 The heartbeat deadline scan gets an index of its own.
-- Why: the scheduler looks for missed heartbeats every second (WHERE NOT paused
-- AND type = 'heartbeat' AND last_ping_at IS NOT NULL AND next_run_at <= now
-- ORDER BY next_run_at). It walked health_checks_due_idx, which also holds
-- every HTTP and TCP check, and filtered them out one by one: when probes fell
-- behind (33,333 checks due at once) each scan read tens of thousands of rows
-- and took 0.1–0.8 s, inside the pass that claims the next probes.
CREATE INDEX health_checks_heartbeat_deadline_idx ON health_checks (next_run_at)
  WHERE NOT paused AND type = 'heartbeat' AND last_ping_at IS NOT NULL;
