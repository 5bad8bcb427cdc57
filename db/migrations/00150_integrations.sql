-- 00150 integrations (seed 004): a tenant's connections to outside tools by OAuth 2
-- (Linear first; the registry in services/integrations/registry.ts names the rest).
-- Why per tenant, not per user (the seed's user_id): the connection acts for the
-- organisation (an alert's issue is filed whoever is on call); `connected_by`
-- keeps who granted it. Tokens are sealed like external identities' tokens
-- (key purpose external_identity_tokens) and `secrets:rotate` re-encrypts them.
-- docs/integrations.md.
CREATE TABLE integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  platform text NOT NULL CHECK (platform ~ '^[a-z][a-z0-9_]{1,30}$'),
  -- the provider's name for what was connected (a Linear organisation, a Slack workspace)
  account_id text NOT NULL CHECK (char_length(account_id) BETWEEN 1 AND 200),
  account_name text CHECK (char_length(account_name) <= 200),
  status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'broken', 'disconnected')),
  access_token_ciphertext bytea,
  refresh_token_ciphertext bytea,
  key_id text CHECK (char_length(key_id) BETWEEN 1 AND 100),
  token_expires_at timestamptz,
  scopes text[] NOT NULL DEFAULT '{}',
  is_active boolean NOT NULL DEFAULT true,
  last_sync_at timestamptz,
  last_error text CHECK (char_length(last_error) <= 1000),
  -- provider settings and facts (Linear: team_id, done_state_id, close_on_resolve)
  metadata jsonb NOT NULL DEFAULT '{}',
  connected_by uuid,
  -- the sync worker's lease (services/integrations/worker.ts)
  next_sync_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CONSTRAINT integrations_key_id_required
    CHECK ((access_token_ciphertext IS NULL AND refresh_token_ciphertext IS NULL) OR key_id IS NOT NULL),
  CONSTRAINT integrations_active_has_token CHECK (NOT is_active OR access_token_ciphertext IS NOT NULL),
  FOREIGN KEY (tenant_id, connected_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (connected_by)
);
-- one live connection per provider account (several Slack workspaces, one row each); reconnecting updates it
CREATE UNIQUE INDEX integrations_account_key ON integrations (tenant_id, platform, account_id);
CREATE INDEX integrations_connected_by_idx ON integrations (tenant_id, connected_by);
-- the sync worker's queue (owner connection, across tenants)
CREATE INDEX integrations_due_idx ON integrations (next_sync_at) WHERE is_active;
CREATE TRIGGER integrations_set_updated_at BEFORE UPDATE ON integrations
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- A connect flow under way: the `state` (its SHA-256) and the PKCE verifier,
-- bound to the admin's session; used once, within ten minutes.
CREATE TABLE integration_oauth_flows (
  state_hash bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  platform text NOT NULL,
  session_id uuid NOT NULL,
  user_id uuid NOT NULL,
  code_verifier text NOT NULL CHECK (char_length(code_verifier) BETWEEN 43 AND 128),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX integration_oauth_flows_user_idx ON integration_oauth_flows (tenant_id, user_id);
CREATE INDEX integration_oauth_flows_expires_idx ON integration_oauth_flows (expires_at);

-- What an Opsdeck record is at a provider: an alert's Linear issue. `state`
-- is the provider's last known state type; `wanted` is a change Opsdeck still
-- has to make there (the sync worker does it: 'done' once the alert resolved).
CREATE TABLE integration_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  integration_id uuid NOT NULL,
  resource_type text NOT NULL CHECK (resource_type IN ('alert')),
  resource_id uuid NOT NULL,
  external_id text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
  external_key text CHECK (char_length(external_key) <= 100),
  external_url text NOT NULL CHECK (char_length(external_url) BETWEEN 1 AND 2000),
  state text CHECK (char_length(state) <= 50),
  wanted text CHECK (wanted IN ('done')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);
-- one issue per alert and integration; an alert page lists its links
CREATE UNIQUE INDEX integration_links_resource_key ON integration_links (tenant_id, resource_type, resource_id, integration_id);
CREATE INDEX integration_links_integration_idx ON integration_links (tenant_id, integration_id);
-- a provider's webhook names the issue (owner connection: the tenant comes from the integration)
CREATE INDEX integration_links_external_idx ON integration_links (integration_id, external_id);
-- the worker's queue of changes still to make at the provider
CREATE INDEX integration_links_wanted_idx ON integration_links (integration_id) WHERE wanted IS NOT NULL;
CREATE TRIGGER integration_links_set_updated_at BEFORE UPDATE ON integration_links
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Alert rules whose alerts file an issue by themselves (kept here, not on alert_rules: the rule knows nothing of providers).
CREATE TABLE integration_alert_rules (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  integration_id uuid NOT NULL,
  rule_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, rule_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, rule_id) REFERENCES alert_rules (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX integration_alert_rules_rule_idx ON integration_alert_rules (tenant_id, rule_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['integrations', 'integration_oauth_flows', 'integration_links', 'integration_alert_rules'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO opsdeck_app
         USING (tenant_id = opsdeck_current_tenant())
         WITH CHECK (tenant_id = opsdeck_current_tenant())',
      t
    );
  END LOOP;
END
$$;

-- integration.broken (a provider refused the tokens: revoked, or the refresh failed), added to whatever the
-- three event-type lists hold now (as 00075 does), so admins' notification rules can route it.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE conname IN ('events_type_check', 'notification_rules_event_types_check',
                      'notification_deliveries_event_type_check')
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I ', c.tbl, c.conname)
      || replace(c.def, 'ARRAY[', 'ARRAY[''integration.broken''::text, ');
  END LOOP;
END
$$;
