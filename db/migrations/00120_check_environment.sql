-- A check may belong to one of its project's environments (issue 12): nullable,
-- and the composite key makes "the check's own project" a database rule, not
-- only the service's. Removing the environment (or renaming it, which the
-- project form does as remove + add) leaves the check without one rather than
-- refusing the project edit.
CREATE UNIQUE INDEX project_environments_project_id_key ON project_environments (tenant_id, project_id, id);

ALTER TABLE health_checks
  ADD COLUMN environment_id uuid,
  ADD CONSTRAINT health_checks_environment_fk FOREIGN KEY (tenant_id, project_id, environment_id)
    REFERENCES project_environments (tenant_id, project_id, id) ON DELETE SET NULL (environment_id);

-- covers the FK (its delete path) and the board's environment filter
CREATE INDEX health_checks_environment_idx ON health_checks (tenant_id, project_id, environment_id)
  WHERE environment_id IS NOT NULL;
