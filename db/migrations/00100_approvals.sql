-- 00100 approvals: one engine for deploy gates and access requests (seed 001 `workflows`).
-- Why: a deployment to a protected environment, or a user asking for a role,
-- waits for someone else's yes. One table holds every such request with its
-- requester, who may decide it (a named user or a role), priority, details,
-- status and expiry; per-type policies say who approves and how long a
-- request stays open. docs/approvals.md.

-- The role matrix gains `approvals`. Other branches extend the same CHECK, so
-- the new name is added to whatever list the constraint holds now instead of
-- restating the list (a restated list would drop a sibling migration's names).
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint WHERE conname = 'permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions DROP CONSTRAINT permissions_resource_check';
  EXECUTE 'ALTER TABLE permissions ADD CONSTRAINT permissions_resource_check '
    || replace(def, 'ARRAY[', 'ARRAY[''approvals''::text, ');
END
$$;
-- `manage` (setting policies and protecting environments) is allowed on approvals too.
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint WHERE conname = 'permissions_manage_resources';
  EXECUTE 'ALTER TABLE permissions DROP CONSTRAINT permissions_manage_resources';
  EXECUTE 'ALTER TABLE permissions ADD CONSTRAINT permissions_manage_resources '
    || replace(def, 'ARRAY[', 'ARRAY[''approvals''::text, ');
END
$$;
-- Admins decide and set policies (manage); employees file and read requests
-- and decide those addressed to them; clients: nothing.
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, 'approvals', act
FROM roles r, unnest(ARRAY['read', 'write', 'delete', 'manage']) AS act
WHERE r.tenant_id IS NULL AND (r.name = 'admin' OR (r.name = 'employee' AND act IN ('read', 'write')));

-- approval.requested / approval.decided, added the same way to the three event-type lists.
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
      || replace(c.def, 'ARRAY[', 'ARRAY[''approval.requested''::text, ''approval.decided''::text, ');
  END LOOP;
END
$$;

-- Per tenant and type: who approves (a role; NULL = admins) and how long a request stays open.
CREATE TABLE approval_policies (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  type text NOT NULL CHECK (type IN ('deployment', 'access', 'general')),
  approver_role_id uuid REFERENCES roles (id),
  expires_after_minutes integer NOT NULL CHECK (expires_after_minutes BETWEEN 5 AND 43200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, type)
);
-- covers the role FK (a role in use by a policy)
CREATE INDEX approval_policies_role_idx ON approval_policies (approver_role_id) WHERE approver_role_id IS NOT NULL;
CREATE TRIGGER approval_policies_set_updated_at BEFORE UPDATE ON approval_policies
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- A deployment gate or access request reads its subject from `details` and the
-- typed references beside it (project, deployment). Expiry is stored as an
-- instant; a pending request past it is turned `expired` when next touched.
CREATE TABLE approvals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  type text NOT NULL CHECK (type IN ('deployment', 'access', 'general')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
  requester_id uuid NOT NULL,
  -- a named approver, or anyone holding approver_role_id
  approver_id uuid,
  approver_role_id uuid REFERENCES roles (id),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'completed', 'expired')),
  decided_by uuid,
  decision_comment text CHECK (char_length(decision_comment) <= 5000),
  project_id uuid,
  deployment_id uuid REFERENCES deployments (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK (approver_id IS NOT NULL OR approver_role_id IS NOT NULL),
  CHECK ((status IN ('pending', 'expired')) = (decided_by IS NULL)),
  CHECK (decided_by IS NULL OR decided_by <> requester_id),
  FOREIGN KEY (tenant_id, requester_id) REFERENCES users (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, approver_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (approver_id),
  FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT
);
-- the inbox: a tenant's requests by status, newest first; covers the tenant FK
CREATE INDEX approvals_status_idx ON approvals (tenant_id, status, created_at DESC);
-- covers the requester FK ("my requests")
CREATE INDEX approvals_requester_idx ON approvals (tenant_id, requester_id, created_at DESC);
-- covers the approver FK (requests addressed to me)
CREATE INDEX approvals_approver_idx ON approvals (tenant_id, approver_id) WHERE approver_id IS NOT NULL;
-- covers the decider FK
CREATE INDEX approvals_decided_by_idx ON approvals (tenant_id, decided_by) WHERE decided_by IS NOT NULL;
-- covers the role FK
CREATE INDEX approvals_role_idx ON approvals (approver_role_id) WHERE approver_role_id IS NOT NULL;
-- covers the project FK
CREATE INDEX approvals_project_idx ON approvals (tenant_id, project_id) WHERE project_id IS NOT NULL;
-- a deployment's gate (one per deployment); covers the deployment FK
CREATE UNIQUE INDEX approvals_deployment_key ON approvals (deployment_id) WHERE deployment_id IS NOT NULL;
CREATE TRIGGER approvals_set_updated_at BEFORE UPDATE ON approvals
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

CREATE TABLE approval_comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  approval_id uuid NOT NULL,
  author_id uuid NOT NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, approval_id) REFERENCES approvals (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id) ON DELETE RESTRICT
);
-- a request's comments in order; covers the approval FK
CREATE INDEX approval_comments_approval_idx ON approval_comments (tenant_id, approval_id, created_at);
-- covers the author FK
CREATE INDEX approval_comments_author_idx ON approval_comments (tenant_id, author_id);

-- The Slack message announcing a request (channel + ts), so a button click is
-- known to be on a message Opsdeck posted and the decision edits it.
CREATE TABLE approval_slack_messages (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  approval_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  slack_channel text NOT NULL CHECK (char_length(slack_channel) BETWEEN 1 AND 100),
  ts text NOT NULL CHECK (char_length(ts) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, approval_id, channel_id),
  FOREIGN KEY (tenant_id, approval_id) REFERENCES approvals (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, channel_id) REFERENCES notification_channels (tenant_id, id) ON DELETE CASCADE
);
-- an interaction names the message by (channel, ts): found across tenants by the owner role
CREATE UNIQUE INDEX approval_slack_messages_message_key ON approval_slack_messages (slack_channel, ts);
-- covers the channel FK
CREATE INDEX approval_slack_messages_channel_idx ON approval_slack_messages (tenant_id, channel_id);

-- Deploy gates: a deployment to a protected environment waits for approval.
ALTER TABLE project_environments ADD COLUMN protected boolean NOT NULL DEFAULT false;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['approval_policies', 'approvals', 'approval_comments', 'approval_slack_messages'] LOOP
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
