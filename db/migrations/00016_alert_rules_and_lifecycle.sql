-- 00016 alert rules by kind, and the alert lifecycle's clocks.
-- Why: issue 7 names the conditions users set up one by one (a check down or
-- degraded, a heartbeat missed, a certificate expiring within N days, a
-- deployment failing, a metric crossing a threshold), so a rule's kind says
-- which event opens its alerts. 00005's 'check_status' kind covered "down or
-- degraded" in one; its rules become 'check_down' rules (what they were used
-- for), and metric operators become the API's words above|below|change_percent.
-- An open, unacknowledged alert re-notifies every repeat_interval_minutes and
-- escalates once after escalate_after_minutes; the next instant of each is
-- stored on the alert (notify_at, escalate_at) so the evaluator's scan is an
-- index range, not arithmetic over every open alert.

ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_operator_check;
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_metric_fields;

UPDATE alert_rules SET kind = 'check_down' WHERE kind = 'check_status';
-- '=' and '!=' have no counterpart: such rules keep their threshold but stop firing until edited
UPDATE alert_rules
SET operator = CASE WHEN operator IN ('<', '<=') THEN 'below' ELSE 'above' END,
    enabled = enabled AND operator NOT IN ('=', '!=')
WHERE operator IS NOT NULL;

ALTER TABLE alert_rules
  ADD CONSTRAINT alert_rules_kind_check CHECK (kind IN (
    'check_down', 'check_degraded', 'heartbeat_missed', 'certificate_expiring', 'deployment_failed', 'metric_threshold'
  )),
  ADD CONSTRAINT alert_rules_operator_check CHECK (operator IN ('above', 'below', 'change_percent')),
  -- metric rules: the average over the last window (change_percent: against the window before)
  ADD COLUMN window_seconds integer CHECK (window_seconds BETWEEN 60 AND 604800),
  -- certificate_expiring: fire when the certificate expires within this many days
  ADD COLUMN days_before integer CHECK (days_before BETWEEN 1 AND 365),
  -- deployment_failed: only this environment (case-insensitive); NULL: every environment
  ADD COLUMN environment text CHECK (char_length(environment) BETWEEN 1 AND 100),
  ADD COLUMN repeat_interval_minutes integer CHECK (repeat_interval_minutes BETWEEN 1 AND 10080),
  ADD COLUMN escalate_after_minutes integer CHECK (escalate_after_minutes BETWEEN 1 AND 10080),
  -- NULL with escalate_after_minutes set: escalation re-notifies through the notification rules
  ADD COLUMN escalation_channel_id uuid,
  ADD CONSTRAINT alert_rules_metric_fields CHECK (
    kind <> 'metric_threshold'
    OR (metric_type IS NOT NULL AND operator IS NOT NULL AND threshold IS NOT NULL AND window_seconds IS NOT NULL)
  ),
  ADD CONSTRAINT alert_rules_certificate_fields CHECK (kind <> 'certificate_expiring' OR days_before IS NOT NULL),
  ADD CONSTRAINT alert_rules_escalation CHECK (escalation_channel_id IS NULL OR escalate_after_minutes IS NOT NULL),
  ADD CONSTRAINT alert_rules_escalation_channel_fk FOREIGN KEY (tenant_id, escalation_channel_id)
    REFERENCES notification_channels (tenant_id, id) ON DELETE SET NULL (escalation_channel_id);
UPDATE alert_rules SET window_seconds = greatest(60, for_seconds) WHERE kind = 'metric_threshold';

-- only metric rules are evaluated on a schedule; the others wait for events
DROP INDEX alert_rules_due_idx;
CREATE INDEX alert_rules_due_idx ON alert_rules (next_run_at) WHERE enabled AND kind = 'metric_threshold';
-- rules escalating to a channel; covers the escalation channel FK
CREATE INDEX alert_rules_escalation_channel_idx ON alert_rules (tenant_id, escalation_channel_id)
  WHERE escalation_channel_id IS NOT NULL;
-- the alert-rules list, newest first (keyset on created_at, id)
CREATE INDEX alert_rules_created_idx ON alert_rules (tenant_id, created_at DESC, id DESC);

ALTER TABLE alerts
  -- names a message needs (check, project, environment, metric) as they were when it fired
  ADD COLUMN context jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
  -- next re-notification while triggered (NULL: the rule does not repeat)
  ADD COLUMN notify_at timestamptz,
  -- when to escalate if still triggered (NULL: no escalation, or already escalated)
  ADD COLUMN escalate_at timestamptz,
  ADD COLUMN escalated_at timestamptz,
  ADD COLUMN acknowledged_by uuid,
  ADD CONSTRAINT alerts_acknowledged_by_fk FOREIGN KEY (tenant_id, acknowledged_by)
    REFERENCES users (tenant_id, id) ON DELETE SET NULL (acknowledged_by);
-- the evaluator: WHERE status = 'triggered' AND notify_at <= now() (across tenants)
CREATE INDEX alerts_notify_at_idx ON alerts (notify_at) WHERE status = 'triggered' AND notify_at IS NOT NULL;
-- the evaluator: WHERE status = 'triggered' AND escalate_at <= now() (across tenants)
CREATE INDEX alerts_escalate_at_idx ON alerts (escalate_at) WHERE status = 'triggered' AND escalate_at IS NOT NULL;
-- covers the acknowledged_by FK
CREATE INDEX alerts_acknowledged_by_idx ON alerts (tenant_id, acknowledged_by) WHERE acknowledged_by IS NOT NULL;
-- the inbox and GET /api/v1/alerts: newest first across statuses (keyset on triggered_at, id)
CREATE INDEX alerts_triggered_idx ON alerts (tenant_id, triggered_at DESC, id DESC);

-- A timeline entry is a transition, or a notification made while the status
-- stayed (a repeat, the escalation): those keep from_status = to_status.
ALTER TABLE alert_history
  ADD COLUMN action text NOT NULL DEFAULT 'transition' CHECK (action IN ('transition', 'renotified', 'escalated'));
