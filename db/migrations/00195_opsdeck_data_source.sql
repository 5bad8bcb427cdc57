-- 00195 the built-in `opsdeck` data source (docs/data-sources.md, "The
-- built-in opsdeck kind"). Why a source row and not a special case: saved
-- queries, charts, "collect into a metric" and query_threshold rules all hang
-- on a data_sources row (composite FKs), so the tenant's own data reaches them
-- through the same paths as any other kind. Its queries are not SQL but the
-- name of a fixed query shape (services/data_sources/kinds/opsdeck/shapes.ts),
-- run in the tenant's row-level-security transaction: nothing here grants a
-- reader anything.
--
-- * the kind list is extended additively (00040's values kept);
-- * one such row per tenant: existing tenants get it now, new ones from the
--   trigger on tenants (whatever path creates the tenant: set-up, the
--   super-admin screen, a script);
-- * its kind cannot change, nor can another row become one (the service
--   refuses deleting it; a second one is refused by the index).

ALTER TABLE data_sources DROP CONSTRAINT data_sources_kind_check;
ALTER TABLE data_sources
  ADD CONSTRAINT data_sources_kind_check CHECK (kind IN ('postgresql', 'mysql', 'rest_api', 'csv', 'opsdeck'));

-- exactly one built-in source per tenant
CREATE UNIQUE INDEX data_sources_opsdeck_key ON data_sources (tenant_id) WHERE kind = 'opsdeck';

-- existing tenants; the name steps aside when a tenant already called a source "Opsdeck"
INSERT INTO data_sources (tenant_id, name, kind, config, status)
SELECT t.id,
       CASE WHEN EXISTS (SELECT 1 FROM data_sources s WHERE s.tenant_id = t.id AND lower(s.name) = 'opsdeck')
         THEN 'Opsdeck (built in)' ELSE 'Opsdeck' END,
       'opsdeck', '{"timeout_seconds": 10, "row_limit": 10000}', 'connected'
FROM tenants t;

CREATE FUNCTION opsdeck_builtin_data_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_sources (tenant_id, name, kind, config, status)
  VALUES (NEW.id, 'Opsdeck', 'opsdeck', '{"timeout_seconds": 10, "row_limit": 10000}', 'connected');
  RETURN NULL;
END $$;
CREATE TRIGGER tenants_builtin_data_source AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION opsdeck_builtin_data_source();

CREATE FUNCTION opsdeck_data_source_kind_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a data source''s kind cannot change to or from opsdeck' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER data_sources_opsdeck_kind_fixed BEFORE UPDATE OF kind ON data_sources
  FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind AND 'opsdeck' IN (OLD.kind, NEW.kind))
  EXECUTE FUNCTION opsdeck_data_source_kind_fixed();
