-- 00017 notification outbox: the per-alert delivery log and digest bookkeeping.
-- Why: 00005 created the outbox (notification_deliveries) and its attempt log;
-- the delivery log is also shown per alert, so a delivery remembers the alert
-- it speaks about, and a digest (several due rows of one channel sent as ONE
-- message) remembers the delivery id its message carried, so the log can say
-- "sent inside digest <id>" and receivers can match what they got.

ALTER TABLE notification_deliveries
  ADD COLUMN alert_id uuid,
  -- the delivery whose id the digest message carried (itself for the leader)
  ADD COLUMN digest_id uuid,
  ADD CONSTRAINT notification_deliveries_alert_fk
    FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE SET NULL (alert_id);

-- an alert's delivery log, newest first (GET /api/v1/notification-deliveries?alert_id=); covers the alert FK
CREATE INDEX notification_deliveries_alert_idx ON notification_deliveries (tenant_id, alert_id, created_at DESC, id DESC)
  WHERE alert_id IS NOT NULL;
-- the tenant-wide delivery log, newest first, and its ?status= filter (dead letters)
CREATE INDEX notification_deliveries_log_idx ON notification_deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX notification_deliveries_status_idx ON notification_deliveries (tenant_id, status, created_at DESC, id DESC);
-- a digest window's rows of a channel, claimed together: WHERE channel_id = $1 AND mode = 'digest' AND due
CREATE INDEX notification_deliveries_digest_idx ON notification_deliveries (channel_id, next_attempt_at)
  WHERE mode = 'digest' AND status IN ('pending', 'failed');
