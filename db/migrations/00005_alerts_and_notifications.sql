-- 00005 alert rules, alerts, notification channels, rules, deliveries.
-- Why: alerting is a pipeline of rows, not flags in memory. Rules are
-- evaluated from the database's queue; a firing rule opens an alert (at most
-- one open per rule and subject) whose every transition is a history row; an
-- event is fanned out, in the transaction that caused it, into one outbox row
-- per channel, which the dispatcher claims, sends and logs attempt by attempt.

-- kind 'check_status': a check (check_id), or every check of the project or
-- tenant, is down/degraded for for_seconds. kind 'metric_threshold':
-- metric_type <operator> threshold held for for_seconds (evaluated over the
-- metric_snapshots window, so no per-subject pending state is stored).
CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid,
  check_id uuid,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('check_status', 'metric_threshold')),
  metric_type text CHECK (metric_type ~ '^[a-z][a-z0-9_.]{0,99}$'),
  operator text CHECK (operator IN ('>', '>=', '<', '<=', '=', '!=')),
  threshold double precision,
  for_seconds integer NOT NULL DEFAULT 0 CHECK (for_seconds BETWEEN 0 AND 604800),
  severity text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
  enabled boolean NOT NULL DEFAULT true,
  -- evaluation queue, claimed like health_checks
  next_run_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  claimed_by text CHECK (char_length(claimed_by) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alert_rules_metric_fields CHECK (
    kind <> 'metric_threshold' OR (metric_type IS NOT NULL AND operator IS NOT NULL AND threshold IS NOT NULL)
  ),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
-- rules of a project (project_id NULL: tenant-wide ones); covers both FKs
CREATE INDEX alert_rules_project_idx ON alert_rules (tenant_id, project_id);
-- rules watching a check (evaluate on a check's state change)
CREATE INDEX alert_rules_check_idx ON alert_rules (tenant_id, check_id) WHERE check_id IS NOT NULL;
-- the evaluator's claim: WHERE enabled AND next_run_at <= now() ORDER BY next_run_at
CREATE INDEX alert_rules_due_idx ON alert_rules (next_run_at) WHERE enabled;
CREATE TRIGGER alert_rules_set_updated_at BEFORE UPDATE ON alert_rules
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Alert instances. subject_key names what the alert is about within its rule
-- (e.g. 'check:<uuid>', 'project:<uuid>'); triggered_at is when the condition
-- started (it may precede created_at by for_seconds). Deleting a rule deletes
-- its alerts and their history (the deletion itself is audited).
CREATE TABLE alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  rule_id uuid NOT NULL,
  project_id uuid,
  check_id uuid,
  subject_key text NOT NULL CHECK (char_length(subject_key) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'triggered' CHECK (status IN ('triggered', 'acknowledged', 'snoozed', 'resolved')),
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  summary text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 500),
  -- the observed value that fired a metric rule
  value double precision,
  triggered_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  snoozed_until timestamptz,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alerts_snoozed_until CHECK (status <> 'snoozed' OR snoozed_until IS NOT NULL),
  CONSTRAINT alerts_resolved_at CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, rule_id) REFERENCES alert_rules (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE SET NULL (check_id)
);
-- at most one open alert per rule and subject; the evaluator finds it with
-- WHERE rule_id = $1 AND subject_key = $2 AND status <> 'resolved'
CREATE UNIQUE INDEX alerts_open_key ON alerts (tenant_id, rule_id, subject_key) WHERE status <> 'resolved';
-- alerts of a rule, newest first; covers the rule FK
CREATE INDEX alerts_rule_idx ON alerts (tenant_id, rule_id, triggered_at DESC);
-- GET /api/v1/alerts?status=..., newest first
CREATE INDEX alerts_status_idx ON alerts (tenant_id, status, triggered_at DESC);
-- alerts of a project, newest first
CREATE INDEX alerts_project_idx ON alerts (tenant_id, project_id, triggered_at DESC) WHERE project_id IS NOT NULL;
-- alerts of a check
CREATE INDEX alerts_check_idx ON alerts (tenant_id, check_id) WHERE check_id IS NOT NULL;
-- wake snoozed alerts: WHERE status = 'snoozed' AND snoozed_until <= now()
CREATE INDEX alerts_snoozed_until_idx ON alerts (snoozed_until) WHERE status = 'snoozed';
CREATE TRIGGER alerts_set_updated_at BEFORE UPDATE ON alerts
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- One row per transition. actor_user_id NULL: the system (evaluator,
-- snooze expiry); an API key acts as its user.
CREATE TABLE alert_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  alert_id uuid NOT NULL,
  from_status text CHECK (from_status IN ('triggered', 'acknowledged', 'snoozed', 'resolved')),
  to_status text NOT NULL CHECK (to_status IN ('triggered', 'acknowledged', 'snoozed', 'resolved')),
  actor_user_id uuid,
  comment text CHECK (char_length(comment) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, actor_user_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (actor_user_id)
);
-- an alert's timeline, oldest first; covers the alert FK
CREATE INDEX alert_history_alert_idx ON alert_history (tenant_id, alert_id, created_at);
-- transitions made by a user
CREATE INDEX alert_history_actor_idx ON alert_history (tenant_id, actor_user_id) WHERE actor_user_id IS NOT NULL;

-- config holds the non-secret part (slack channel, e-mail recipients,
-- webhook url); the secret part (bot token, slack webhook URL, signing
-- secret) is a JSON object encrypted as a whole into secret_ciphertext, with
-- key_id naming the key. broken + last_error: disabled after a permanent
-- failure until the user fixes it.
CREATE TABLE notification_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  type text NOT NULL CHECK (type IN ('slack', 'email', 'webhook')),
  config jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
  secret_ciphertext bytea,
  key_id text CHECK (char_length(key_id) BETWEEN 1 AND 100),
  broken boolean NOT NULL DEFAULT false,
  last_error text CHECK (char_length(last_error) <= 2000),
  last_error_at timestamptz,
  last_success_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notification_channels_key_id CHECK ((secret_ciphertext IS NULL) = (key_id IS NULL)),
  -- target of composite FKs; list a tenant's channels; covers the tenant FK
  UNIQUE (tenant_id, id)
);
CREATE TRIGGER notification_channels_set_updated_at BEFORE UPDATE ON notification_channels
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- project_id NULL: tenant-wide. event_types are SPEC's event type names.
CREATE TABLE notification_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid,
  channel_id uuid NOT NULL,
  event_types text[] NOT NULL CHECK (
    cardinality(event_types) >= 1
    AND event_types <@ ARRAY[
      'health_check.down', 'health_check.up', 'health_check.degraded', 'heartbeat.missed',
      'certificate.expiring', 'deployment.started', 'deployment.succeeded', 'deployment.failed',
      'alert.triggered', 'alert.acknowledged', 'alert.resolved', 'change_request.created',
      'change_request.decided'
    ]::text[]
  ),
  mode text NOT NULL DEFAULT 'immediate' CHECK (mode IN ('immediate', 'digest')),
  digest_minutes integer CHECK (digest_minutes BETWEEN 1 AND 10080),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notification_rules_digest CHECK ((mode = 'digest') = (digest_minutes IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, channel_id) REFERENCES notification_channels (tenant_id, id) ON DELETE CASCADE
);
-- fan-out: rules for an event, WHERE tenant_id = $1 AND (project_id = $2 OR project_id IS NULL)
-- AND $3 = ANY (event_types); covers the project and tenant FKs
CREATE INDEX notification_rules_project_idx ON notification_rules (tenant_id, project_id);
-- rules sending to a channel (channel page)
CREATE INDEX notification_rules_channel_idx ON notification_rules (tenant_id, channel_id);
CREATE TRIGGER notification_rules_set_updated_at BEFORE UPDATE ON notification_rules
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- The outbox. One row per (event, channel), written in the transaction that
-- produced the event; id is the stable delivery id sent to receivers
-- (webhook header) so they can de-duplicate. Status: pending -> sending
-- (claimed, locked_until = lease) -> sent, or failed (retry at
-- next_attempt_at) ... -> dead (gave up). Digest-mode rows wait until their
-- window closes (next_attempt_at) and are sent together per channel.
-- 'channel.test' is the event of POST /notification-channels/{id}/test.
CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  channel_id uuid NOT NULL,
  rule_id uuid,
  -- the event, shared by its deliveries to several channels
  event_id uuid NOT NULL,
  event_type text NOT NULL CHECK (event_type IN (
    'health_check.down', 'health_check.up', 'health_check.degraded', 'heartbeat.missed',
    'certificate.expiring', 'deployment.started', 'deployment.succeeded', 'deployment.failed',
    'alert.triggered', 'alert.acknowledged', 'alert.resolved', 'change_request.created',
    'change_request.decided', 'channel.test'
  )),
  mode text NOT NULL DEFAULT 'immediate' CHECK (mode IN ('immediate', 'digest')),
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  locked_by text CHECK (char_length(locked_by) <= 200),
  last_error text CHECK (char_length(last_error) <= 2000),
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notification_deliveries_lease CHECK (status <> 'sending' OR locked_until IS NOT NULL),
  CONSTRAINT notification_deliveries_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, channel_id) REFERENCES notification_channels (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, rule_id) REFERENCES notification_rules (tenant_id, id) ON DELETE SET NULL (rule_id)
);
-- an event is fanned out to a channel once (ON CONFLICT DO NOTHING)
CREATE UNIQUE INDEX notification_deliveries_event_key ON notification_deliveries (tenant_id, channel_id, event_id);
-- the dispatcher's claim: WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()
-- ORDER BY next_attempt_at FOR UPDATE SKIP LOCKED (across tenants)
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status IN ('pending', 'failed');
-- reclaim deliveries whose sender died: WHERE status = 'sending' AND locked_until < now()
CREATE INDEX notification_deliveries_lease_idx ON notification_deliveries (locked_until) WHERE status = 'sending';
-- a channel's delivery log, newest first; covers the channel FK
CREATE INDEX notification_deliveries_channel_idx ON notification_deliveries (tenant_id, channel_id, created_at DESC);
-- deliveries made for a rule
CREATE INDEX notification_deliveries_rule_idx ON notification_deliveries (tenant_id, rule_id) WHERE rule_id IS NOT NULL;
CREATE TRIGGER notification_deliveries_set_updated_at BEFORE UPDATE ON notification_deliveries
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- One row per send attempt of a delivery.
CREATE TABLE notification_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  delivery_id uuid NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  attempted_at timestamptz NOT NULL DEFAULT now(),
  response_code integer CHECK (response_code BETWEEN 100 AND 599),
  error text CHECK (char_length(error) <= 2000),
  latency_ms integer CHECK (latency_ms >= 0),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES notification_deliveries (tenant_id, id) ON DELETE CASCADE
);
-- a delivery's attempts in order; one row per attempt number; covers the delivery FK
CREATE UNIQUE INDEX notification_attempts_delivery_key ON notification_attempts (tenant_id, delivery_id, attempt);
