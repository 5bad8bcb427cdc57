-- 00191 Google Drive documents: what Drive says about the files SOWs and change requests name by `drive_id`
-- (00002), kept fresh by the integrations sync worker through a connected Google integration (00150).
-- Why a table keyed by (tenant, drive_id) rather than columns on sows and change_requests: one file may back a SOW
-- and its change requests, and is then read once per pass. `integration_id` is the Google account that last read
-- it (a file one account cannot see may be visible to another: a missing file is left for any account to try).
-- `state`: ok, trashed (in Drive's bin), missing (Drive answered 404 notFound: deleted, or not shared with the
-- account). docs/integrations.md.
CREATE TABLE drive_documents (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  drive_id text NOT NULL CHECK (char_length(drive_id) BETWEEN 1 AND 200),
  integration_id uuid,
  state text NOT NULL CHECK (state IN ('ok', 'trashed', 'missing')),
  title text CHECK (char_length(title) <= 1000),
  web_view_link text CHECK (char_length(web_view_link) <= 2048 AND web_view_link ~ '^https?://'),
  mime_type text CHECK (char_length(mime_type) <= 200),
  modified_at timestamptz,
  -- the last read that answered (ok, trashed or missing), and the last one that failed otherwise (kept until one answers)
  refreshed_at timestamptz NOT NULL,
  last_error text CHECK (char_length(last_error) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, drive_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE SET NULL (integration_id)
);
CREATE INDEX drive_documents_integration_idx ON drive_documents (tenant_id, integration_id);
CREATE TRIGGER drive_documents_set_updated_at BEFORE UPDATE ON drive_documents
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();
SELECT opsdeck_isolate_by_tenant('drive_documents');

-- A SOW or change request given a new drive_id brings its tenant's Google integrations' next sync forward, so the
-- file's title shows within a worker poll (5 s) rather than at the next minute's sync. SKIP LOCKED: an integration
-- locked meanwhile (a token refresh holds its row during the call to Google) is left alone rather than making the
-- SOW's save wait; that file is then read at the next minute's sync.
CREATE FUNCTION drive_id_set_sync_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE integrations SET next_sync_at = now()
  WHERE id IN (SELECT id FROM integrations
               WHERE tenant_id = NEW.tenant_id AND platform = 'google' AND is_active AND next_sync_at > now()
               FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END;
$$;
CREATE TRIGGER sows_drive_id_sync_now AFTER INSERT OR UPDATE OF drive_id ON sows
  FOR EACH ROW WHEN (NEW.drive_id IS NOT NULL) EXECUTE FUNCTION drive_id_set_sync_now();
CREATE TRIGGER change_requests_drive_id_sync_now AFTER INSERT OR UPDATE OF drive_id ON change_requests
  FOR EACH ROW WHEN (NEW.drive_id IS NOT NULL) EXECUTE FUNCTION drive_id_set_sync_now();
