-- 00060 alerts on saved queries as an alert-rule kind (docs/data-sources.md).
-- Why a kind and not 00040's separate query_alerts table: an alert on a query
-- is an alert like any other (inbox, acknowledge, snooze, repeat, escalation,
-- notification rules), and the evaluator already claims due rules with a
-- lease. So 'query_threshold' rules live in alert_rules: the saved query, what
-- to read from it (the first row's first column, or the row count), the
-- parameters to run it with, and its own interval (at least 60 s). A query that
-- fails opens no alert: the rule keeps the error (last_error) for the rules
-- page and the API. query_alert_history keeps each evaluation, now per rule;
-- query_alerts never held a row (nothing wrote it) and is dropped.

ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE alert_rules
  ADD CONSTRAINT alert_rules_kind_check CHECK (kind IN (
    'check_down', 'check_degraded', 'heartbeat_missed', 'certificate_expiring', 'deployment_failed',
    'metric_threshold', 'query_threshold'
  )),
  ADD COLUMN query_id uuid,
  -- value: the first column of the first row as a number; row_count: how many rows
  ADD COLUMN query_measure text CHECK (query_measure IN ('value', 'row_count')),
  -- the values of the query's {{parameters}}, bound as when a user runs it
  ADD COLUMN query_parameters jsonb CHECK (jsonb_typeof(query_parameters) = 'object'),
  ADD COLUMN interval_seconds integer CHECK (interval_seconds BETWEEN 60 AND 604800),
  -- the last evaluation: its number (change_percent compares with it), or why it failed
  ADD COLUMN last_value double precision,
  ADD COLUMN last_error text CHECK (char_length(last_error) <= 2000),
  ADD COLUMN last_evaluated_at timestamptz,
  ADD CONSTRAINT alert_rules_query_fields CHECK (
    kind <> 'query_threshold'
    OR (query_id IS NOT NULL AND query_measure IS NOT NULL AND operator IS NOT NULL AND threshold IS NOT NULL
        AND interval_seconds IS NOT NULL)
  ),
  ADD CONSTRAINT alert_rules_query_fk FOREIGN KEY (tenant_id, query_id)
    REFERENCES saved_queries (tenant_id, id) ON DELETE CASCADE;
-- a query's rules (deleting the query); covers the query FK
CREATE INDEX alert_rules_query_idx ON alert_rules (tenant_id, query_id) WHERE query_id IS NOT NULL;
-- metric and query rules are evaluated on a schedule; the others wait for events
DROP INDEX alert_rules_due_idx;
CREATE INDEX alert_rules_due_idx ON alert_rules (next_run_at)
  WHERE enabled AND kind IN ('metric_threshold', 'query_threshold');

DROP INDEX query_alert_history_alert_idx;
ALTER TABLE query_alert_history DROP CONSTRAINT query_alert_history_tenant_id_query_alert_id_fkey;
ALTER TABLE query_alert_history RENAME COLUMN query_alert_id TO alert_rule_id;
ALTER TABLE query_alert_history
  ADD CONSTRAINT query_alert_history_rule_fk FOREIGN KEY (tenant_id, alert_rule_id)
    REFERENCES alert_rules (tenant_id, id) ON DELETE CASCADE;
-- a rule's evaluations, newest first; covers the FK
CREATE INDEX query_alert_history_rule_idx ON query_alert_history (tenant_id, alert_rule_id, evaluated_at DESC);
DROP TABLE query_alerts;
