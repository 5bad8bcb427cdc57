-- 00080 public status pages, incidents and subscribers (issue 17, docs/status-pages.md).
-- Why each table:
--   status_pages             a page per client (client_id) or tenant-wide (NULL); slug is unique across
--                            tenants because the public URL /status/{slug} names no tenant; custom_domain
--                            (lower-case host) likewise, served by Host mapping behind the TLS proxy;
--   status_page_components   a display name over one check or a group of checks (status_component_checks):
--                            the public page shows the name, never the checks behind it;
--   incidents                investigating → identified → monitoring → resolved, with impact; kind
--                            'maintenance' is a scheduled window shown when the page opts in; alert_id
--                            links one opened from an alert;
--   incident_updates         the timestamped messages, the public timeline;
--   incident_components      which components an incident affects;
--   status_subscribers       e-mail (double opt-in: confirmed_at) or webhook (secret sealed like channel
--                            secrets); a subscriber is deleted on unsubscribe, so nothing lingers.
-- alert_rules.incident_page_id: alerts of that rule open an incident on that page by themselves.

CREATE TABLE status_pages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  client_id uuid,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 2000),
  logo_url text CHECK (char_length(logo_url) <= 2048 AND logo_url ~ '^https://'),
  published boolean NOT NULL DEFAULT false,
  custom_domain text CHECK (custom_domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  show_maintenance boolean NOT NULL DEFAULT true,
  show_response_times boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE RESTRICT
);
-- the public URL and Host lookups run before any tenant is known
CREATE UNIQUE INDEX status_pages_slug_key ON status_pages (slug);
CREATE UNIQUE INDEX status_pages_domain_key ON status_pages (custom_domain) WHERE custom_domain IS NOT NULL;
-- a client's pages; covers the client FK
CREATE INDEX status_pages_client_idx ON status_pages (tenant_id, client_id);
CREATE TRIGGER status_pages_set_updated_at BEFORE UPDATE ON status_pages
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE status_page_components (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  page_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text CHECK (char_length(description) <= 1000),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  -- a page's components in order; covers the page FK
  UNIQUE (tenant_id, page_id, id),
  FOREIGN KEY (tenant_id, page_id) REFERENCES status_pages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX status_page_components_page_idx ON status_page_components (tenant_id, page_id, position);

CREATE TABLE status_component_checks (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  component_id uuid NOT NULL,
  check_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, component_id, check_id),
  FOREIGN KEY (tenant_id, component_id) REFERENCES status_page_components (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, check_id) REFERENCES health_checks (tenant_id, id) ON DELETE CASCADE
);
-- components showing a check (an alert's check → the incident's components); covers the check FK
CREATE INDEX status_component_checks_check_idx ON status_component_checks (tenant_id, check_id);

CREATE TABLE incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  page_id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'incident' CHECK (kind IN ('incident', 'maintenance')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'investigating'
    CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved', 'scheduled', 'in_progress', 'completed')),
  impact text NOT NULL DEFAULT 'minor' CHECK (impact IN ('none', 'minor', 'major', 'critical', 'maintenance')),
  alert_id uuid,
  started_at timestamptz NOT NULL,
  resolved_at timestamptz,
  -- maintenance: the announced window
  scheduled_for timestamptz,
  scheduled_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT incidents_resolved CHECK ((status IN ('resolved', 'completed')) = (resolved_at IS NOT NULL)),
  CONSTRAINT incidents_window CHECK (kind <> 'maintenance' OR (scheduled_for IS NOT NULL AND scheduled_until > scheduled_for)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, page_id) REFERENCES status_pages (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE SET NULL (alert_id)
);
-- a page's incidents, newest first (public page, feeds); covers the page FK
CREATE INDEX incidents_page_idx ON incidents (tenant_id, page_id, started_at DESC);
-- one open incident per alert and page (the alert button and auto-open are idempotent); covers the alert FK
CREATE UNIQUE INDEX incidents_alert_key ON incidents (tenant_id, alert_id, page_id) WHERE alert_id IS NOT NULL;
CREATE TRIGGER incidents_set_updated_at BEFORE UPDATE ON incidents
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE incident_updates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  incident_id uuid NOT NULL,
  status text NOT NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  created_by uuid,
  created_at timestamptz NOT NULL,
  -- an incident's timeline; covers the incident FK
  FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX incident_updates_incident_idx ON incident_updates (tenant_id, incident_id, created_at);
CREATE INDEX incident_updates_created_by_idx ON incident_updates (tenant_id, created_by) WHERE created_by IS NOT NULL;

CREATE TABLE incident_components (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  incident_id uuid NOT NULL,
  component_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, incident_id, component_id),
  FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, component_id) REFERENCES status_page_components (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX incident_components_component_idx ON incident_components (tenant_id, component_id);

CREATE TABLE status_subscribers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  page_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('email', 'webhook')),
  email text CHECK (char_length(email) BETWEEN 3 AND 254),
  webhook_url text CHECK (char_length(webhook_url) <= 2048 AND webhook_url ~ '^https?://'),
  secret_ciphertext bytea,
  key_id text CHECK (char_length(key_id) BETWEEN 1 AND 100),
  confirmed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT status_subscribers_target CHECK ((kind = 'email') = (email IS NOT NULL) AND (kind = 'webhook') = (webhook_url IS NOT NULL)),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, page_id) REFERENCES status_pages (tenant_id, id) ON DELETE CASCADE
);
-- one subscription per address and page; a page's subscribers; covers the page FK
CREATE UNIQUE INDEX status_subscribers_email_key ON status_subscribers (tenant_id, page_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX status_subscribers_page_idx ON status_subscribers (tenant_id, page_id);

-- Subscribers' messages about an incident change, an outbox like notification_deliveries: written in the
-- incident's transaction; the status-subscriptions worker (lease in locked_until) sends webhooks itself
-- (Standard Webhooks signed) and hands e-mails to the mail outbox with their signed unsubscribe link.
CREATE TABLE status_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  subscriber_id uuid NOT NULL,
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  locked_until timestamptz,
  last_error text CHECK (char_length(last_error) <= 2000),
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  -- a subscriber's messages; covers the FK
  FOREIGN KEY (tenant_id, subscriber_id) REFERENCES status_subscribers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX status_deliveries_subscriber_idx ON status_deliveries (tenant_id, subscriber_id);
-- the dispatcher's claim across tenants: WHERE status IN ('pending','failed') AND next_attempt_at <= now()
CREATE INDEX status_deliveries_due_idx ON status_deliveries (next_attempt_at)
  WHERE status IN ('pending', 'failed');

ALTER TABLE alert_rules ADD COLUMN incident_page_id uuid,
  ADD FOREIGN KEY (tenant_id, incident_page_id) REFERENCES status_pages (tenant_id, id) ON DELETE SET NULL (incident_page_id);
CREATE INDEX alert_rules_incident_page_idx ON alert_rules (tenant_id, incident_page_id) WHERE incident_page_id IS NOT NULL;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'status_pages', 'status_page_components', 'status_component_checks', 'incidents', 'incident_updates',
    'incident_components', 'status_subscribers', 'status_deliveries'
  ] LOOP
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

-- SPEC's event list gains incident.created|updated|resolved (db/queries/events.ts EVENT_TYPES), added to
-- whatever the three lists hold now (00075 adds report.ready before this runs), not restated.
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
      || replace(c.def, 'ARRAY[', 'ARRAY[''incident.created''::text, ''incident.updated''::text, ''incident.resolved''::text, ');
  END LOOP;
END
$$;

-- The role matrix gains status_pages, incidents and sla_reports. Admins: all; employees: read/write;
-- client users: read (narrowed to their client's pages and reports by the services).
-- Added to whatever list the constraint holds now (00070 adds `dashboards` before this runs), not restated.
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint WHERE conname = 'permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions DROP CONSTRAINT permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions ADD CONSTRAINT permissions_resource_check '
    || replace(def, 'ARRAY[', 'ARRAY[''status_pages''::text, ''incidents''::text, ''sla_reports''::text, ');
END
$$;
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, res, act
FROM roles r,
  unnest(ARRAY['status_pages', 'incidents', 'sla_reports']) AS res,
  unnest(ARRAY['read', 'write', 'delete']) AS act
WHERE r.tenant_id IS NULL
  AND (r.name = 'admin' OR (r.name = 'employee' AND act <> 'delete') OR (r.name = 'client' AND act = 'read'));
