/** Status pages and their components (00080). */
import type { Sql } from "../client.ts";

export interface StatusPageRow {
  id: string;
  tenant_id: string;
  client_id: string | null;
  slug: string;
  title: string;
  description: string | null;
  logo_url: string | null;
  published: boolean;
  custom_domain: string | null;
  show_maintenance: boolean;
  show_response_times: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The fields a create or update writes. */
export type StatusPageFields = Omit<StatusPageRow, "id" | "tenant_id" | "created_at" | "updated_at">;

export interface ComponentRow {
  id: string;
  page_id: string;
  name: string;
  description: string | null;
  position: number;
  check_ids: string[];
}

export async function insertStatusPage(sql: Sql, tenantId: string, f: StatusPageFields): Promise<StatusPageRow> {
  const [row] = await sql<StatusPageRow[]>`
    INSERT INTO status_pages (tenant_id, client_id, slug, title, description, logo_url, published, custom_domain,
                              show_maintenance, show_response_times)
    VALUES (${tenantId}, ${f.client_id}, ${f.slug}, ${f.title}, ${f.description}, ${f.logo_url}, ${f.published},
            ${f.custom_domain}, ${f.show_maintenance}, ${f.show_response_times})
    RETURNING *`;
  return row;
}

export async function updateStatusPage(
  sql: Sql,
  tenantId: string,
  id: string,
  f: StatusPageFields,
): Promise<StatusPageRow | undefined> {
  const [row] = await sql<StatusPageRow[]>`
    UPDATE status_pages SET client_id = ${f.client_id}, slug = ${f.slug}, title = ${f.title},
      description = ${f.description}, logo_url = ${f.logo_url}, published = ${f.published},
      custom_domain = ${f.custom_domain}, show_maintenance = ${f.show_maintenance},
      show_response_times = ${f.show_response_times}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING *`;
  return row;
}

export async function getStatusPage(sql: Sql, tenantId: string, id: string): Promise<StatusPageRow | undefined> {
  const [row] = await sql<StatusPageRow[]>`SELECT * FROM status_pages WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

/** A tenant's pages by title; `clientId` narrows to one client's (client users). */
export async function listStatusPages(sql: Sql, tenantId: string, clientId: string | null): Promise<StatusPageRow[]> {
  return await sql<StatusPageRow[]>`
    SELECT * FROM status_pages
    WHERE tenant_id = ${tenantId} AND (${clientId}::uuid IS NULL OR client_id = ${clientId})
    ORDER BY lower(title), id LIMIT 500`;
}

export async function deleteStatusPage(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM status_pages WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Tenantless (before any tenant is known): the published page at a slug. */
export async function publishedPageBySlug(sql: Sql, slug: string): Promise<StatusPageRow | undefined> {
  const [row] = await sql<StatusPageRow[]>`SELECT * FROM status_pages WHERE slug = ${slug} AND published`;
  return row;
}

/**
 * Tenantless: every page's custom domain → slug (the Host map). Unpublished pages are in it too, so their
 * domain answers 404 instead of falling through to the app.
 */
export async function customDomains(sql: Sql): Promise<{ custom_domain: string; slug: string }[]> {
  return await sql<{ custom_domain: string; slug: string }[]>`
    SELECT custom_domain, slug FROM status_pages WHERE custom_domain IS NOT NULL`;
}

export async function listComponents(sql: Sql, tenantId: string, pageId: string): Promise<ComponentRow[]> {
  return await sql<ComponentRow[]>`
    SELECT c.id, c.page_id, c.name, c.description, c.position,
      coalesce(array_agg(cc.check_id ORDER BY cc.check_id) FILTER (WHERE cc.check_id IS NOT NULL), '{}') AS check_ids
    FROM status_page_components c
    LEFT JOIN status_component_checks cc ON cc.tenant_id = c.tenant_id AND cc.component_id = c.id
    WHERE c.tenant_id = ${tenantId} AND c.page_id = ${pageId}
    GROUP BY c.id ORDER BY c.position, c.created_at, c.id`;
}

export async function getComponent(sql: Sql, tenantId: string, id: string): Promise<ComponentRow | undefined> {
  const [row] = await sql<ComponentRow[]>`
    SELECT c.id, c.page_id, c.name, c.description, c.position,
      coalesce(array_agg(cc.check_id) FILTER (WHERE cc.check_id IS NOT NULL), '{}') AS check_ids
    FROM status_page_components c
    LEFT JOIN status_component_checks cc ON cc.tenant_id = c.tenant_id AND cc.component_id = c.id
    WHERE c.tenant_id = ${tenantId} AND c.id = ${id}
    GROUP BY c.id`;
  return row;
}

export async function insertComponent(
  sql: Sql,
  tenantId: string,
  pageId: string,
  f: Pick<ComponentRow, "name" | "description" | "position">,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO status_page_components (tenant_id, page_id, name, description, position)
    VALUES (${tenantId}, ${pageId}, ${f.name}, ${f.description}, ${f.position}) RETURNING id`;
  return row.id;
}

export async function updateComponent(
  sql: Sql,
  tenantId: string,
  id: string,
  f: Pick<ComponentRow, "name" | "description" | "position">,
): Promise<void> {
  await sql`
    UPDATE status_page_components SET name = ${f.name}, description = ${f.description}, position = ${f.position}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function setComponentChecks(sql: Sql, tenantId: string, id: string, checkIds: string[]): Promise<void> {
  await sql`DELETE FROM status_component_checks WHERE tenant_id = ${tenantId} AND component_id = ${id}`;
  if (!checkIds.length) return;
  await sql`
    INSERT INTO status_component_checks (tenant_id, component_id, check_id)
    SELECT ${tenantId}, ${id}, unnest(${checkIds}::uuid[])`;
}

export async function deleteComponent(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM status_page_components WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Of `checkIds`, those that exist in the tenant (and, with a client, belong to its projects). */
export async function visibleCheckIds(
  sql: Sql,
  tenantId: string,
  checkIds: string[],
  clientId: string | null,
): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT h.id FROM health_checks h JOIN projects p ON p.tenant_id = h.tenant_id AND p.id = h.project_id
    WHERE h.tenant_id = ${tenantId} AND h.id = ANY(${checkIds}::uuid[])
      AND (${clientId}::uuid IS NULL OR p.client_id = ${clientId})`;
  return rows.map((r) => r.id);
}

/** The clients a page may be for (a client user: only their own). */
export async function clientChoices(sql: Sql, tenantId: string, clientId: string | null) {
  return await sql<{ id: string; name: string }[]>`
    SELECT id, name FROM clients WHERE tenant_id = ${tenantId} AND (${clientId}::uuid IS NULL OR id = ${clientId})
    ORDER BY lower(name), id LIMIT 1000`;
}
