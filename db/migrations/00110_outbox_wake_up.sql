-- 00110 wake every dispatcher when a delivery is committed.
-- Why: the dispatchers polled the outbox every 500 ms, most of the time between
-- a check confirmed down and the Slack message. A statement-level trigger
-- NOTIFYs opsdeck_outbox (PostgreSQL delivers it at commit, to every process
-- LISTENing, including the one that wrote); a dispatcher's loop wakes and
-- claims at once. Polling stays as the fallback for notifications lost while a
-- listener was reconnecting. A requeued delivery (back to pending) wakes them too.
-- A fan-out that matched no rule inserts nothing and notifies nobody (NOTIFY
-- serialises commits on a lock, so only real work pays for it).
CREATE FUNCTION notify_outbox_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM inserted) THEN
    PERFORM pg_notify('opsdeck_outbox', '');
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_outbox', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER notification_deliveries_wake AFTER INSERT ON notification_deliveries
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_inserted();
CREATE TRIGGER notification_deliveries_requeued AFTER UPDATE OF status ON notification_deliveries
  FOR EACH ROW WHEN (NEW.status = 'pending' AND OLD.status IN ('sent', 'dead', 'failed'))
  EXECUTE FUNCTION notify_outbox();
