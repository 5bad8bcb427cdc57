-- 00161 data-source grants (issue 19, access requests for a data source).
-- Why: someone whose role does not read data sources can ask for one source;
-- once an admin approves the access request, this row lets that one person
-- read that one source (services/data_sources/data_sources.ts getDataSource).
-- One row per user and source; revoking deletes it. docs/approvals.md.
CREATE TABLE data_source_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  data_source_id uuid NOT NULL,
  user_id uuid NOT NULL,
  -- the approved access request; NULL once it is gone
  approval_id uuid,
  granted_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, data_source_id) REFERENCES data_sources (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, approval_id) REFERENCES approvals (tenant_id, id) ON DELETE SET NULL (approval_id),
  FOREIGN KEY (tenant_id, granted_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (granted_by)
);
-- one grant per person and source; the access check's lookup; covers the user FK
CREATE UNIQUE INDEX data_source_grants_user_key ON data_source_grants (tenant_id, user_id, data_source_id);
-- a source's grants; covers the data source FK
CREATE INDEX data_source_grants_source_idx ON data_source_grants (tenant_id, data_source_id);
-- covers the approval FK
CREATE INDEX data_source_grants_approval_idx ON data_source_grants (tenant_id, approval_id) WHERE approval_id IS NOT NULL;
-- covers the granter FK
CREATE INDEX data_source_grants_granted_by_idx ON data_source_grants (tenant_id, granted_by) WHERE granted_by IS NOT NULL;

ALTER TABLE data_source_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON data_source_grants TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
