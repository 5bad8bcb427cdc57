-- 00030 tell every Opsdeck process when something an API key's principal is
-- made of changes, so each can drop the API keys it verified recently.
-- Why: an authenticated request used to spend a round trip looking its key up
-- (services/auth/api_key_cache.ts keeps verified keys for a few seconds). A
-- revoked, expired, narrowed or re-owned key, a suspended or moved user, or a
-- role whose permissions changed must stop working at once on every replica,
-- not when the cache entry ages out: each process LISTENs on
-- opsdeck_auth_changed and clears its cache when a notification arrives
-- (PostgreSQL delivers it at commit). Statement-level triggers: one
-- notification per statement, and the payload is empty because processes
-- clear everything (these writes are rare). The touch of last_used_at does
-- not notify: it changes nothing a principal is made of.
CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_auth_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_auth_changed AFTER UPDATE OF token_hash, scopes, expires_at, revoked_at, user_id, tenant_id
  OR DELETE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER users_auth_changed AFTER UPDATE OF tenant_id, email, name, status, role_id, client_id, super_admin
  OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER roles_auth_changed AFTER UPDATE OF name OR DELETE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
CREATE TRIGGER permissions_auth_changed AFTER INSERT OR UPDATE OR DELETE ON permissions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed();
