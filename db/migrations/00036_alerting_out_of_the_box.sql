-- 00036 alerting that works out of the box.
-- Why (issue 12): a new check that went red raised nothing until the user had
-- built an alert rule, a channel and a notification rule by hand.
-- 1. A notification rule may be about one health check: the check form's
--    "Notify" keeps one such rule per (check, channel), so picking a channel
--    for a check does not page that channel for the rest of its project.
-- 2. An organisation without any alert rule gets, once, the two tenant-wide
--    rules a new organisation now starts with (services/alerts/defaults.ts):
--    a check going down and a heartbeat going missing open alerts. An
--    organisation that has any rule chose its own and is left alone.
ALTER TABLE notification_rules
  ADD COLUMN check_id uuid,
  ADD FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE;
-- the check form's channels: WHERE tenant_id = $1 AND check_id = $2; covers the check FK
CREATE INDEX notification_rules_check_idx ON notification_rules (tenant_id, check_id) WHERE check_id IS NOT NULL;

INSERT INTO alert_rules (tenant_id, name, kind, severity)
SELECT t.id, d.name, d.kind, d.severity
FROM tenants t
CROSS JOIN (VALUES ('A check is down', 'check_down', 'critical'),
                   ('A heartbeat is missing', 'heartbeat_missed', 'critical')) AS d (name, kind, severity)
WHERE NOT EXISTS (SELECT 1 FROM alert_rules r WHERE r.tenant_id = t.id);
