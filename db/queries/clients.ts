import type { Sql } from "../client.ts";

export interface ClientRow {
  id: string;
  tenant_id: string;
  name: string;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** Active (not archived) projects. */
  project_count: number;
}

const clientColumns = (sql: Sql) =>
  sql`c.id, c.tenant_id, c.name, c.archived_at, c.created_at, c.updated_at,
      (SELECT count(*) FROM projects p
        WHERE p.tenant_id = c.tenant_id AND p.client_id = c.id AND p.archived_at IS NULL)::int AS project_count`;

export interface ClientFilter {
  /** Substring of the name, matched case-insensitively. */
  q?: string;
  archived: boolean;
  /** Keyset cursor: (lower(name), id) of the previous page's last row. */
  after?: [string, string];
  limit: number;
}

/** A tenant's clients by name; fetches `limit + 1` rows so the caller can tell whether a next page exists. */
export async function listClients(sql: Sql, tenantId: string, f: ClientFilter): Promise<ClientRow[]> {
  return await sql<ClientRow[]>`
    SELECT ${clientColumns(sql)}
    FROM clients c
    WHERE c.tenant_id = ${tenantId}
      AND ${f.archived ? sql`c.archived_at IS NOT NULL` : sql`c.archived_at IS NULL`}
      ${f.q ? sql`AND c.name ILIKE ${likePattern(f.q)}` : sql``}
      ${f.after ? sql`AND (lower(c.name), c.id) > (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY lower(c.name), c.id
    LIMIT ${f.limit + 1}`;
}

export async function getClient(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ClientRow | undefined> {
  const [row] = await sql<ClientRow[]>`
    SELECT ${clientColumns(sql)} FROM clients c
    WHERE c.tenant_id = ${tenantId} AND c.id = ${id}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/** Case-insensitive, as the unique index clients_tenant_name_key. */
export async function findClientByName(sql: Sql, tenantId: string, name: string): Promise<ClientRow | undefined> {
  const [row] = await sql<ClientRow[]>`
    SELECT ${clientColumns(sql)} FROM clients c WHERE c.tenant_id = ${tenantId} AND lower(c.name) = lower(${name})`;
  return row;
}

export async function insertClient(sql: Sql, tenantId: string, name: string): Promise<ClientRow> {
  const [row] = await sql<ClientRow[]>`
    INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, ${name})
    RETURNING id, tenant_id, name, archived_at, created_at, updated_at, 0 AS project_count`;
  return row;
}

export interface ClientPatch {
  name?: string;
  archived_at?: Date | null;
}
const PATCHABLE = ["name", "archived_at"] as const;

export async function updateClient(sql: Sql, tenantId: string, id: string, patch: ClientPatch): Promise<ClientRow> {
  const columns = PATCHABLE.filter((column) => patch[column] !== undefined);
  await sql`
    UPDATE clients SET ${sql(patch as Record<string, unknown>, ...columns)}
    WHERE id = ${id} AND tenant_id = ${tenantId}`;
  return (await getClient(sql, tenantId, id))!;
}

/** What stops a client from being deleted: its projects (archived ones too) and its users. */
export async function clientDependents(
  sql: Sql,
  tenantId: string,
  id: string,
): Promise<{ projects: number; users: number }> {
  const [row] = await sql<{ projects: number; users: number }[]>`
    SELECT (SELECT count(*) FROM projects WHERE tenant_id = ${tenantId} AND client_id = ${id})::int AS projects,
           (SELECT count(*) FROM users WHERE tenant_id = ${tenantId} AND client_id = ${id})::int AS users`;
  return row;
}

export async function deleteClient(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM clients WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** All of a tenant's clients by name, for pickers; archived ones only when asked. */
export async function listClientChoices(
  sql: Sql,
  tenantId: string,
  options: { includeArchived?: boolean; clientId?: string | null } = {},
): Promise<{ id: string; name: string; archived: boolean }[]> {
  return await sql<{ id: string; name: string; archived: boolean }[]>`
    SELECT id, name, archived_at IS NOT NULL AS archived FROM clients
    WHERE tenant_id = ${tenantId}
      ${options.includeArchived ? sql`` : sql`AND archived_at IS NULL`}
      ${options.clientId ? sql`AND id = ${options.clientId}` : sql``}
    ORDER BY lower(name), id
    LIMIT 2000`;
}

/** `%q%` for ILIKE, with the user's own % and _ taken literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface ClientSowRow {
  id: string;
  title: string;
  status: string;
  project_id: string;
  project_name: string;
}

/** The client page's SOWs, newest first (read-only here; SOWs are written through services/sows). */
export async function listClientSows(sql: Sql, tenantId: string, clientId: string): Promise<ClientSowRow[]> {
  return await sql<ClientSowRow[]>`
    SELECT s.id, s.title, s.status, s.project_id, p.name AS project_name
    FROM sows s JOIN projects p ON p.tenant_id = s.tenant_id AND p.id = s.project_id
    WHERE s.tenant_id = ${tenantId} AND p.client_id = ${clientId}
    ORDER BY s.created_at DESC, s.id
    LIMIT 100`;
}

export interface ClientChangeRequestRow {
  id: string;
  title: string;
  status: string;
  priority: string;
  project_id: string;
  project_name: string;
  created_at: Date;
}

/** The client page's open change requests (pending or approved, not yet done), newest first. */
export async function listClientOpenChangeRequests(
  sql: Sql,
  tenantId: string,
  clientId: string,
): Promise<ClientChangeRequestRow[]> {
  return await sql<ClientChangeRequestRow[]>`
    SELECT r.id, r.title, r.status, r.priority, r.project_id, p.name AS project_name, r.created_at
    FROM change_requests r JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id
    WHERE r.tenant_id = ${tenantId} AND p.client_id = ${clientId} AND r.status IN ('pending', 'approved')
    ORDER BY r.created_at DESC, r.id
    LIMIT 100`;
}
