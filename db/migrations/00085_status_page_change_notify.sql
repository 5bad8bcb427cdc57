-- 00085 tell every Opsdeck process when what a public status page shows changes, so each drops its cached
-- views of that page at once (services/status_pages/public_cache.ts keeps them 30 s).
-- Why: the cache used to be cleared only in the process that made a change, and not at all when an alert
-- rule opened an incident inside the alert's transaction; other replicas served the old page for up to the
-- TTL. Each process LISTENs on opsdeck_status_pages (PostgreSQL delivers at commit, and folds identical
-- notifications of one transaction into one). The payload is the page's slug, the cache's key; an empty
-- payload (a page itself changed: its slug, domain or publication; or the page is gone already, as in a
-- cascading delete) drops every cached view, since those writes are rare.
-- Check results are not notified: the page shows day rollups, and the TTL bounds their staleness.
CREATE FUNCTION status_page_slug(p_tenant uuid, p_page uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT slug FROM status_pages WHERE tenant_id = p_tenant AND id = p_page
$$;

CREATE FUNCTION notify_status_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  slug text;
BEGIN
  IF TG_TABLE_NAME IN ('status_page_components', 'incidents') THEN
    slug := status_page_slug(r.tenant_id, r.page_id);
  ELSIF TG_TABLE_NAME = 'status_component_checks' THEN
    slug := (SELECT status_page_slug(c.tenant_id, c.page_id) FROM status_page_components c
             WHERE c.tenant_id = r.tenant_id AND c.id = r.component_id);
  ELSIF TG_TABLE_NAME IN ('incident_updates', 'incident_components') THEN
    slug := (SELECT status_page_slug(i.tenant_id, i.page_id) FROM incidents i
             WHERE i.tenant_id = r.tenant_id AND i.id = r.incident_id);
  END IF;
  PERFORM pg_notify('opsdeck_status_pages', coalesce(slug, ''));
  RETURN NULL;
END;
$$;

CREATE FUNCTION notify_status_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_status_pages', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER status_pages_public_changed AFTER INSERT OR UPDATE OR DELETE ON status_pages
  FOR EACH STATEMENT EXECUTE FUNCTION notify_status_pages_changed();
CREATE TRIGGER status_page_components_public_changed AFTER INSERT OR UPDATE OR DELETE ON status_page_components
  FOR EACH ROW EXECUTE FUNCTION notify_status_page_changed();
CREATE TRIGGER status_component_checks_public_changed AFTER INSERT OR UPDATE OR DELETE ON status_component_checks
  FOR EACH ROW EXECUTE FUNCTION notify_status_page_changed();
CREATE TRIGGER incidents_public_changed AFTER INSERT OR UPDATE OR DELETE ON incidents
  FOR EACH ROW EXECUTE FUNCTION notify_status_page_changed();
CREATE TRIGGER incident_updates_public_changed AFTER INSERT OR UPDATE OR DELETE ON incident_updates
  FOR EACH ROW EXECUTE FUNCTION notify_status_page_changed();
CREATE TRIGGER incident_components_public_changed AFTER INSERT OR UPDATE OR DELETE ON incident_components
  FOR EACH ROW EXECUTE FUNCTION notify_status_page_changed();
