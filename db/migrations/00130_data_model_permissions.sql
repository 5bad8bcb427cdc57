-- Data models (issue 15): admins define them, employees use them.
-- A model's calculated fields are SQL expressions (parsed and whitelisted, but
-- SQL), so writing a model leaves the employee role; custom roles may still be
-- granted data_models:write. Model names are unique per tenant, for the 422.
DELETE FROM permissions
WHERE resource = 'data_models' AND action = 'write'
  AND role_id IN (SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'employee');

ALTER TABLE data_models ADD CONSTRAINT data_models_name_key UNIQUE (tenant_id, name);
