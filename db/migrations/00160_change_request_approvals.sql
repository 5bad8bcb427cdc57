-- 00160 change requests on the approval engine (issue 19).
-- Why: a change request's decision is an approval like any other (four-eyes,
-- expiry, `approval.requested|decided`, the inbox), so each change request
-- owns one `approvals` row of type `change_request`; the change request keeps
-- its own status and API and follows its approval (docs/approvals.md).

ALTER TABLE approvals DROP CONSTRAINT approvals_type_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_type_check
  CHECK (type IN ('deployment', 'access', 'general', 'change_request'));
ALTER TABLE approval_policies DROP CONSTRAINT approval_policies_type_check;
ALTER TABLE approval_policies ADD CONSTRAINT approval_policies_type_check
  CHECK (type IN ('deployment', 'access', 'general', 'change_request'));

-- target of the approvals FK, which also pins the tenant
ALTER TABLE change_requests ADD CONSTRAINT change_requests_tenant_id_key UNIQUE (tenant_id, id);
ALTER TABLE approvals ADD COLUMN change_request_id uuid;
ALTER TABLE approvals ADD CONSTRAINT approvals_change_request_fk
  FOREIGN KEY (tenant_id, change_request_id) REFERENCES change_requests (tenant_id, id) ON DELETE CASCADE;
-- a change request's approval (one each); covers the change request FK
CREATE UNIQUE INDEX approvals_change_request_key ON approvals (tenant_id, change_request_id)
  WHERE change_request_id IS NOT NULL;

-- Existing change requests get their approval. Decided ones keep their
-- decider, except where the table refuses it: a request decided by its own
-- requester (allowed before four-eyes) or by a since-deleted user keeps its
-- decision on the change request only. Pending ones expire 30 days from now,
-- the default for the type. Staff decided change requests before, so the
-- approver role is the built-in employee role (admins decide anything).
INSERT INTO approvals (tenant_id, type, title, requester_id, approver_role_id, priority, details, status,
                       decided_by, decision_comment, project_id, change_request_id, expires_at, decided_at,
                       resolved_at, created_at, updated_at)
SELECT cr.tenant_id, 'change_request', left(cr.title, 300), cr.requested_by,
       (SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'employee'), cr.priority,
       jsonb_build_object('change_request_id', cr.id, 'project_id', cr.project_id, 'migrated', true),
       cr.status, CASE WHEN cr.status <> 'pending' THEN cr.approver_id END, cr.decision_comment, cr.project_id,
       cr.id, CASE WHEN cr.status = 'pending' THEN now() + interval '30 days' ELSE coalesce(cr.decided_at, now()) END,
       cr.decided_at, CASE WHEN cr.status IN ('rejected', 'completed') THEN coalesce(cr.resolved_at, cr.decided_at) END,
       cr.created_at, cr.updated_at
FROM change_requests cr
WHERE cr.status = 'pending' OR (cr.approver_id IS NOT NULL AND cr.approver_id <> cr.requested_by);
