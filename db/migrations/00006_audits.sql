-- 00006 audits.
-- Why: every successful mutation writes exactly one audit row in its own
-- transaction, and the trail must be trustworthy: rows are append-only
-- (triggers refuse UPDATE, DELETE and TRUNCATE) and chained per tenant
-- (hash = SHA-256(prev_hash || canonical row)), so a row edited or removed
-- behind the application's back, e.g. with triggers disabled, breaks the chain.
--
-- Services only INSERT (tenant_id, actor, action, resource, ip, user_agent,
-- details); the BEFORE INSERT trigger assigns seq, prev_hash and hash. It
-- takes a per-tenant advisory lock held until commit, so a tenant's audited
-- writes serialise at their audit insert: that is the price of one linear
-- chain. Audited transactions must run at READ COMMITTED (the default) so
-- the trigger sees the head committed by the previous writer; under
-- REPEATABLE READ a concurrent writer fails on the unique (tenant_id, seq)
-- instead of forking the chain.
--
-- Actor FKs are plain (not composite): a super_admin acts on other tenants.
-- They are RESTRICT, so users and API keys that acted are deactivated or
-- revoked, never deleted; a tenant with audits cannot be deleted by the
-- application either.

CREATE TABLE audits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  actor_user_id uuid REFERENCES users (id),
  actor_api_key_id uuid REFERENCES api_keys (id),
  -- who the actor was at the time (e-mail, key name, "system"), for exports
  actor_label text CHECK (char_length(actor_label) <= 320),
  action text NOT NULL CHECK (char_length(action) <= 100 AND action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  resource_type text NOT NULL CHECK (char_length(resource_type) BETWEEN 1 AND 100),
  resource_id text CHECK (char_length(resource_id) BETWEEN 1 AND 200),
  ip inet,
  user_agent text CHECK (char_length(user_agent) <= 1000),
  -- before/after and anything else worth keeping
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  prev_hash bytea CHECK (octet_length(prev_hash) = 32),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  CONSTRAINT audits_chain_start CHECK ((seq = 1) = (prev_hash IS NULL))
);
-- the chain head (ORDER BY seq DESC LIMIT 1), chain verification in order;
-- one row per position; covers the tenant FK
CREATE UNIQUE INDEX audits_tenant_seq_key ON audits (tenant_id, seq);
-- GET /api/v1/audits, newest first (also with since/until)
CREATE INDEX audits_created_idx ON audits (tenant_id, created_at DESC);
-- ?resource_type=&resource_id=: a resource's history, newest first
CREATE INDEX audits_resource_idx ON audits (tenant_id, resource_type, resource_id, created_at DESC);
-- ?action=, newest first
CREATE INDEX audits_action_idx ON audits (tenant_id, action, created_at DESC);
-- ?actor_id= (a user's actions), newest first; covers the actor FK
CREATE INDEX audits_actor_user_idx ON audits (actor_user_id, created_at DESC) WHERE actor_user_id IS NOT NULL;
-- actions made with an API key; covers the actor FK
CREATE INDEX audits_actor_api_key_idx ON audits (actor_api_key_id, created_at DESC) WHERE actor_api_key_id IS NOT NULL;

-- The canonical form hashed for a row: a jsonb object (jsonb text output has
-- a fixed key order and spacing) with created_at in UTC, so the hash does not
-- depend on the session's TimeZone. Verification: hash = audit_hash(a) and
-- prev_hash = the previous row's hash, for every row in seq order.
CREATE FUNCTION audit_hash(a audits) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(coalesce(a.prev_hash, '\x'::bytea) || convert_to(jsonb_build_object(
    'id', a.id,
    'tenant_id', a.tenant_id,
    'seq', a.seq,
    'actor_user_id', a.actor_user_id,
    'actor_api_key_id', a.actor_api_key_id,
    'actor_label', a.actor_label,
    'action', a.action,
    'resource_type', a.resource_type,
    'resource_id', a.resource_id,
    'ip', a.ip::text,
    'user_agent', a.user_agent,
    'details', a.details,
    'created_at', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  )::text, 'UTF8'))
$$;

CREATE FUNCTION audits_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
BEGIN
  -- two-int4 key space, apart from the migration lock's bigint key;
  -- 1635083369 is 'audi' in ASCII
  PERFORM pg_advisory_xact_lock(1635083369, hashtext(NEW.tenant_id::text));
  SELECT seq, hash INTO head_seq, head_hash
  FROM audits WHERE tenant_id = NEW.tenant_id
  ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(head_seq, 0) + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_hash(NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audits_chain BEFORE INSERT ON audits
  FOR EACH ROW EXECUTE FUNCTION audits_chain();

CREATE FUNCTION audits_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audits are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audits_no_update_delete BEFORE UPDATE OR DELETE ON audits
  FOR EACH ROW EXECUTE FUNCTION audits_append_only();
CREATE TRIGGER audits_no_truncate BEFORE TRUNCATE ON audits
  FOR EACH STATEMENT EXECUTE FUNCTION audits_append_only();
