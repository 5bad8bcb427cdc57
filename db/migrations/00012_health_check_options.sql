-- 00012 health check options: what the probes, heartbeats and the probe
-- policy need beyond 00004's definition columns.
-- Why: HTTP checks assert more than a status code (a JSON value, latency for
-- `degraded`, a keyword that must be absent), follow or refuse redirects,
-- may skip TLS verification for self-signed internal services, and warn
-- N days before a certificate expires, once per certificate. Heartbeats run
-- on a period + grace or on a cron expression in a timezone, and may bound a
-- run's duration (between a /start ping and the success ping). Client users
-- may only probe public addresses, so a check remembers that its target was
-- set by one (the policy is applied again at every run, after resolution).

ALTER TABLE health_checks
  ADD COLUMN follow_redirects boolean NOT NULL DEFAULT true,
  ADD COLUMN verify_tls boolean NOT NULL DEFAULT true,
  -- the keyword must NOT appear (e.g. "error")
  ADD COLUMN keyword_invert boolean NOT NULL DEFAULT false,
  -- a JSON-path such as $.status or $.checks[0].ok, compared as text with json_expected
  ADD COLUMN json_path text CHECK (char_length(json_path) BETWEEN 2 AND 200 AND json_path ~ '^\$'),
  ADD COLUMN json_expected text CHECK (char_length(json_expected) <= 500),
  -- slower than this (but otherwise fine) is `degraded`
  ADD COLUMN degraded_latency_ms integer CHECK (degraded_latency_ms BETWEEN 1 AND 120000),
  ADD COLUMN cert_expiry_days integer NOT NULL DEFAULT 14 CHECK (cert_expiry_days BETWEEN 1 AND 365),
  -- SHA-256 of the leaf certificate seen last (a change is noticed), and the
  -- one that already had its certificate.expiring event
  ADD COLUMN cert_fingerprint text CHECK (cert_fingerprint ~ '^[0-9a-f]{64}$'),
  ADD COLUMN cert_notified_fingerprint text CHECK (cert_notified_fingerprint ~ '^[0-9a-f]{64}$'),
  -- heartbeats: a 5-field cron expression evaluated in timezone replaces interval_seconds
  ADD COLUMN cron text CHECK (char_length(cron) BETWEEN 9 AND 200),
  ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
  ADD COLUMN min_duration_ms integer CHECK (min_duration_ms BETWEEN 0 AND 2592000000),
  ADD COLUMN max_duration_ms integer CHECK (max_duration_ms BETWEEN 1 AND 2592000000),
  -- the last /start ping, cleared by the success or /fail ping that ends the run
  ADD COLUMN last_start_at timestamptz,
  ADD COLUMN public_targets_only boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT health_checks_json_assertion CHECK ((json_path IS NULL) = (json_expected IS NULL)),
  ADD CONSTRAINT health_checks_duration_bounds CHECK (
    min_duration_ms IS NULL OR max_duration_ms IS NULL OR min_duration_ms < max_duration_ms
  ),
  ADD CONSTRAINT health_checks_cron_heartbeat CHECK (cron IS NULL OR type = 'heartbeat');
