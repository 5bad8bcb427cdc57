-- 00170 wake every alert evaluator when scheduled alerting work becomes due now.
-- Why: the evaluator polls every 5 s, so a metric or query rule made (or
-- re-armed) through any replica waited up to 5 s for its first evaluation, and
-- an alert whose repeat or snooze was moved to now waited as long. Like the
-- outbox (00110), a trigger NOTIFYs opsdeck_alerts (delivered at commit, to
-- every LISTENing process) and the evaluator's loop wakes; polling stays the
-- fallback. Only rows due now notify: the evaluator's own claims push
-- next_run_at ahead and its repeats push notify_at ahead, so its writes never
-- wake it again.
CREATE FUNCTION notify_alert_evaluator() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_alerts', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER alert_rules_due_now AFTER INSERT OR UPDATE OF next_run_at, enabled, claimed_until ON alert_rules
  FOR EACH ROW WHEN (NEW.enabled AND NEW.kind IN ('metric_threshold', 'query_threshold')
    AND NEW.next_run_at <= now() AND NEW.claimed_until IS NULL)
  EXECUTE FUNCTION notify_alert_evaluator();
CREATE TRIGGER alerts_due_now AFTER UPDATE OF notify_at, snoozed_until ON alerts
  FOR EACH ROW WHEN ((NEW.status = 'triggered' AND NEW.notify_at <= now())
    OR (NEW.status = 'snoozed' AND NEW.snoozed_until <= now()))
  EXECUTE FUNCTION notify_alert_evaluator();
