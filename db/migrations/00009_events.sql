-- 00009 events: domain events for the notifications issue to consume.
-- Why: a change that others must hear about (a change request filed or
-- decided; later deployments, checks, alerts) inserts one row here in the
-- same transaction as the change and its audit row, so an event exists if and
-- only if the change committed. A dispatcher (notification rules, webhooks)
-- reads them later; nothing is sent from inside a request.
--
-- The audit trail is the record of what happened; events are a feed for
-- delivery. So a project's events go with the project if it is ever deleted
-- permanently (and change requests, which always come with events, already
-- refuse that deletion).
--
-- sows keeps its column `title`: the API calls it `name` (SPEC) and
-- db/queries/sows.ts maps one to the other, so nothing that already reads the
-- column has to change.

CREATE TABLE events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- SPEC's event type names, as notification_rules.event_types accepts them
  type text NOT NULL CHECK (type IN (
    'health_check.down', 'health_check.up', 'health_check.degraded', 'heartbeat.missed',
    'certificate.expiring', 'deployment.started', 'deployment.succeeded', 'deployment.failed',
    'alert.triggered', 'alert.acknowledged', 'alert.resolved', 'change_request.created',
    'change_request.decided'
  )),
  -- what the event is about, e.g. ('change_request', <id>)
  subject_type text NOT NULL CHECK (subject_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject_id uuid NOT NULL,
  -- NULL for tenant-wide events; rules match on it (project_id = $2 OR rule is tenant-wide)
  project_id uuid,
  -- everything a message needs without further reads (titles, names, who, decision)
  payload jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
-- the dispatcher and event feeds: a tenant's events in order; covers the tenant FK
CREATE INDEX events_tenant_created_idx ON events (tenant_id, created_at);
-- a project's events (project feed); covers the project FK
CREATE INDEX events_project_idx ON events (tenant_id, project_id, created_at) WHERE project_id IS NOT NULL;
-- a subject's events (a change request's history, tests checking "exactly once")
CREATE INDEX events_subject_idx ON events (tenant_id, subject_type, subject_id);

-- Row-level security as for every tenant table (00007 applied it to the tables
-- that existed then; new tables opt in themselves).
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
