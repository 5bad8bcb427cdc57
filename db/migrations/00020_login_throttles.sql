-- 00020 login throttles in PostgreSQL.
-- Why: the failure counts lived in each process's memory, so with several
-- replicas an attacker got N times the attempts, and a restart forgot them.
-- Keys are (account, client IP) and client IP alone, never the account alone,
-- so strangers failing for someone's e-mail from elsewhere cannot lock the
-- owner out of their own address (issue 11). Each row keeps at most the
-- rule's limit of failure times (newest first), so a row stays small however
-- hard a key is hammered; rows idle for a whole window are purged by the
-- next failure anywhere (services/auth/throttle.ts).
CREATE TABLE login_throttles (
  key text PRIMARY KEY CHECK (char_length(key) <= 800),
  failures timestamptz[] NOT NULL,
  last_failed_at timestamptz NOT NULL
);

-- The purge: DELETE … WHERE last_failed_at < now() - window.
CREATE INDEX login_throttles_last_failed_at ON login_throttles (last_failed_at);
