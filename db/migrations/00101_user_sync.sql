-- 00101 user sync: Clerk webhooks keyed by external identities, and user_data (seed 002).
-- Why: an organisation that manages people in Clerk has Opsdeck users created,
-- updated and suspended from Clerk's signed webhooks; the Clerk user id is an
-- external identity (provider 'clerk'), so a changed e-mail still finds the
-- user. docs/integrations.md.

-- 'clerk' (and 'scim', for the SCIM issue part) as identity providers, added to the current list.
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint WHERE conname = 'external_identities_provider_check';
  EXECUTE 'ALTER TABLE external_identities DROP CONSTRAINT external_identities_provider_check';
  EXECUTE 'ALTER TABLE external_identities ADD CONSTRAINT external_identities_provider_check '
    || replace(def, 'ARRAY[', 'ARRAY[''clerk''::text, ''scim''::text, ');
END
$$;

-- Per tenant: the Clerk webhook signing secret (Svix "whsec_…"), sealed with the
-- notification-channel key like the GitHub webhook secret, and the role new
-- Clerk users get when their public metadata names none.
CREATE TABLE user_sync_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  clerk_secret_ciphertext bytea,
  clerk_secret_key_id text CHECK (char_length(clerk_secret_key_id) BETWEEN 1 AND 100),
  -- SCIM bearer token (osc_…): only its SHA-256, like sessions and API keys
  scim_token_hash bytea CHECK (octet_length(scim_token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((clerk_secret_ciphertext IS NULL) = (clerk_secret_key_id IS NULL))
);
-- a SCIM request names its tenant by its token (owner connection, before any tenant is known)
CREATE UNIQUE INDEX user_sync_settings_scim_token_key ON user_sync_settings (scim_token_hash)
  WHERE scim_token_hash IS NOT NULL;
CREATE TRIGGER user_sync_settings_set_updated_at BEFORE UPDATE ON user_sync_settings
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Seed 002's user_data: free key/value pairs per user (GET/PUT/DELETE /api/v1/users/{id}/data).
CREATE TABLE user_data (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL,
  key text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  value text NOT NULL CHECK (char_length(value) <= 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- a user's pairs by key; covers the user FK
  PRIMARY KEY (tenant_id, user_id, key),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE TRIGGER user_data_set_updated_at BEFORE UPDATE ON user_data
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['user_sync_settings', 'user_data'] LOOP
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
