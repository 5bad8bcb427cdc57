-- 00210 tell every Opsdeck process when what a live page shows has changed.
-- Why: the live pages (status board, a check's live part, the project strip,
-- the alerts inbox, open deployments) polled every 5-10 s, so a browser on one
-- replica saw what another replica did up to a poll later. These triggers
-- NOTIFY opsdeck_live at commit; each process LISTENs once and tells its
-- browsers' streams (routes/ui/live.ts), and each page re-fetches its own
-- partial, whose authorization and row-level security decide what is shown.
-- The payload is ids only, never data: '<tenant>:<topic>:<client>' (the
-- client of the row's project, empty when it has none), so a client user's
-- stream is told only of its own client's changes. Alerts and deployments
-- notify per statement (one per tenant, topic and client), and PostgreSQL
-- folds identical notifications within a transaction. A health check's run (its lease,
-- next run, last result, failure count) does not notify: results are read by
-- the pages' slower safety poll, or every open board would re-read itself on
-- every probe; a change of status, pause or definition does. Alerts likewise
-- skip the evaluator's repeat and escalation bookkeeping. A revoked session notifies
-- '<tenant>:session:<session id>' so its streams end on every replica.
CREATE FUNCTION notify_live_pages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  topic text := TG_ARGV[0];
  ignored text[] := TG_ARGV[1]::text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('opsdeck_live', c.tenant_id || ':' || topic || ':' || coalesce(p.client_id::text, ''))
    FROM (SELECT DISTINCT tenant_id, project_id FROM new_rows) c
    LEFT JOIN projects p ON p.tenant_id = c.tenant_id AND p.id = c.project_id;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('opsdeck_live', c.tenant_id || ':' || topic || ':' || coalesce(p.client_id::text, ''))
    FROM (SELECT DISTINCT tenant_id, project_id FROM old_rows) c
    LEFT JOIN projects p ON p.tenant_id = c.tenant_id AND p.id = c.project_id;
  ELSE
    -- A row moved to another project tells both clients.
    PERFORM pg_notify('opsdeck_live', c.tenant_id || ':' || topic || ':' || coalesce(p.client_id::text, ''))
    FROM (
      SELECT n.tenant_id, n.project_id FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
      WHERE to_jsonb(n) - ignored IS DISTINCT FROM to_jsonb(o) - ignored
      UNION
      SELECT o.tenant_id, o.project_id FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
      WHERE n.project_id IS DISTINCT FROM o.project_id
    ) c
    LEFT JOIN projects p ON p.tenant_id = c.tenant_id AND p.id = c.project_id;
  END IF;
  RETURN NULL;
END;
$$;

-- Health checks: per row, and only when the WHEN clause holds, so the scheduler's claims, renewals and
-- finished runs (hundreds of rows a second) cost a comparison of a few columns, not a call.
CREATE FUNCTION notify_live_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify('opsdeck_live', NEW.tenant_id || ':checks:' || coalesce(
      (SELECT client_id::text FROM projects WHERE tenant_id = NEW.tenant_id AND id = NEW.project_id), ''));
  END IF;
  IF TG_OP = 'DELETE' OR OLD.project_id IS DISTINCT FROM NEW.project_id THEN
    PERFORM pg_notify('opsdeck_live', OLD.tenant_id || ':checks:' || coalesce(
      (SELECT client_id::text FROM projects WHERE tenant_id = OLD.tenant_id AND id = OLD.project_id), ''));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER health_checks_live AFTER INSERT OR DELETE ON health_checks
  FOR EACH ROW EXECUTE FUNCTION notify_live_check();
-- What the live parts show of a check itself (a run's bookkeeping is left out, and so is updated_at, which its BEFORE
-- trigger moves on every update). Named columns, not the row as jsonb: that cost 2.8 times the scheduler's own update.
CREATE TRIGGER health_checks_live_update AFTER UPDATE ON health_checks
  FOR EACH ROW WHEN ((OLD.status, OLD.paused, OLD.flapping, OLD.project_id, OLD.environment_id, OLD.name, OLD.type,
                      OLD.url, OLD.host, OLD.port, OLD.interval_seconds, OLD.cron, OLD.depends_on_id)
    IS DISTINCT FROM (NEW.status, NEW.paused, NEW.flapping, NEW.project_id, NEW.environment_id, NEW.name, NEW.type,
                      NEW.url, NEW.host, NEW.port, NEW.interval_seconds, NEW.cron, NEW.depends_on_id))
  EXECUTE FUNCTION notify_live_check();

CREATE TRIGGER alerts_live_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('alerts', '{}');
CREATE TRIGGER alerts_live_update AFTER UPDATE ON alerts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('alerts', '{notify_at,escalate_at,updated_at}');
CREATE TRIGGER alerts_live_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('alerts', '{}');

CREATE TRIGGER deployments_live_insert AFTER INSERT ON deployments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('deployments', '{}');
CREATE TRIGGER deployments_live_update AFTER UPDATE ON deployments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('deployments', '{updated_at}');
CREATE TRIGGER deployments_live_delete AFTER DELETE ON deployments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_pages('deployments', '{}');

CREATE FUNCTION notify_live_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_live', tenant_id || ':session:' || id)
  FROM (SELECT n.tenant_id, n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.revoked_at IS NOT NULL AND o.revoked_at IS NULL) ended;
  RETURN NULL;
END;
$$;
CREATE TRIGGER sessions_live_ended AFTER UPDATE ON sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_live_session_ended();
