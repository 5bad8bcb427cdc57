-- 00190 wake CI's waits on a deploy gate (GET /api/v1/approvals/{id}/wait) when the request is decided.
-- Why: a waiting request re-read the row every 500 ms, so each waiting CI job cost two reads a second and still
-- learnt of a decision up to half a second late. A trigger NOTIFYs opsdeck_approvals with the request's id
-- (delivered at commit, to every LISTENing process, so a decision on any replica reaches a wait on any other); the
-- waits share one LISTEN per process and re-read only their own row. Polling stays the fallback. Expiry is a
-- decision too (status leaves 'pending'), whoever notices it.
CREATE FUNCTION notify_approval_decided() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_approvals', NEW.id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER approvals_decided AFTER UPDATE OF status ON approvals
  FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status <> 'pending')
  EXECUTE FUNCTION notify_approval_decided();
