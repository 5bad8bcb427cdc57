-- 00008 catalog: archiving, and the indexes behind the projects list.
-- Why: removing a client or project is an archive by default (it keeps its
-- history, deployments and audit trail); permanent deletion is refused while
-- anything depends on the row. archived_at NULL means active.

ALTER TABLE clients ADD COLUMN archived_at timestamptz;
ALTER TABLE projects ADD COLUMN archived_at timestamptz;

-- No trigram index for GET /projects?q=: requests run under row-level
-- security (00007), and PostgreSQL applies a non-leakproof operator such as
-- ILIKE only after the policy, so it never uses an index for it. The search
-- is a scan of the tenant's own rows (about 8 ms at 10,000 projects; see
-- bench/projects_list_bench.ts).

-- GET /projects?sort=name|-name: keyset pages on (lower(name), id), either direction.
CREATE INDEX projects_name_idx ON projects (tenant_id, lower(name), id);
-- GET /projects?sort=created_at|-created_at
CREATE INDEX projects_created_idx ON projects (tenant_id, created_at, id);
-- GET /projects?sort=updated_at|-updated_at
CREATE INDEX projects_updated_idx ON projects (tenant_id, updated_at, id);
