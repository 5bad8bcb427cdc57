-- 00111 Slack pacing and the API rate limit shared by every replica.
-- Why: both were counted in each process's memory, so N replicas posted N
-- messages a second to one Slack channel (Slack answers 429) and allowed N
-- times the API budget.
-- paced_until: the end of the last send slot reserved for the channel; a
-- dispatcher reserves the next one with one UPDATE (the row lock orders
-- replicas), on the database's clock so replicas with skewed clocks agree.
ALTER TABLE notification_channels ADD COLUMN paced_until timestamptz;

-- API requests per key (API key, session, or client IP) per one-minute window.
-- Processes count in memory and add their counts here about once a second
-- (services/platform/rate_limit.ts), so a request costs no round trip and the
-- budget overshoots by at most about a second of traffic. Rows of past
-- windows are deleted by the next flush.
CREATE TABLE api_rate_counts (
  window_start timestamptz NOT NULL,
  key text NOT NULL CHECK (char_length(key) <= 200),
  count integer NOT NULL,
  PRIMARY KEY (window_start, key)
);
