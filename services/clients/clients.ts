/**
 * Clients: list, read, create, rename, archive and (admins only, when nothing
 * depends on them) delete. Client users have no `clients` permission at all:
 * every route answers them 404.
 */
import type { Sql } from "../../db/client.ts";
import {
  type ClientChangeRequestRow,
  clientDependents,
  type ClientPatch,
  type ClientRow,
  type ClientSowRow,
  deleteClient as removeClient,
  findClientByName,
  getClient as findClient,
  insertClient,
  listClientOpenChangeRequests,
  listClients as queryClients,
  listClientSows,
  updateClient as saveClient,
} from "../../db/queries/clients.ts";
import { listProjects as listProjectRows, type ProjectRow } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { isUniqueViolation } from "./unique.ts";
import type { CreateClientInput, ListClientsQuery, UpdateClientInput } from "./schemas.ts";

export async function listClients(sql: Sql, principal: Principal, query: ListClientsQuery): Promise<Page<ClientRow>> {
  authorize(principal, "clients", "read");
  const after = decodeIdCursor<[string, string]>(query.cursor, ["string", "string"]);
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => queryClients(tx, principal.tenantId, { q: query.q, archived: query.archived, after, limit: query.limit }),
  );
  return toPage(rows, query.limit, (c) => [c.name.toLowerCase(), c.id]);
}

export async function getClient(sql: Sql, principal: Principal, id: string): Promise<ClientRow> {
  authorize(principal, "clients", "read");
  const client = await withTenant(sql, principal.tenantId, (tx) => findClient(tx, principal.tenantId, id));
  if (!client) throw new NotFoundError("Client not found");
  return client;
}

const snapshot = (c: ClientRow) => ({ name: c.name, archived_at: c.archived_at });

/** Throws 409 naming `name` when another client already has this name, in any letter case. */
export async function assertNameFree(tx: Sql, tenantId: string, name: string, exceptId?: string): Promise<void> {
  const existing = await findClientByName(tx, tenantId, name);
  if (existing && existing.id !== exceptId) throw nameTaken(existing.name);
}

const nameTaken = (name: string) =>
  new ConflictError(`A client named "${name}" already exists`, [{ path: "name", message: `"${name}" already exists` }]);

export async function createClient(
  sql: Sql,
  principal: Principal,
  input: CreateClientInput,
  ctx: AuditContext,
): Promise<ClientRow> {
  authorize(principal, "clients", "write");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    await assertNameFree(tx, tenantId, input.name);
    const client = await insertClient(tx, tenantId, input.name).catch((error) => {
      if (isUniqueViolation(error, "clients_tenant_name_key")) throw nameTaken(input.name);
      throw error;
    });
    await recordAudit(tx, ctx, {
      tenantId,
      action: "client.create",
      resourceType: "client",
      resourceId: client.id,
      after: snapshot(client),
    });
    return client;
  });
}

/** PATCH: rename and/or archive (`archived: true`) or restore; audited as the most significant change. */
export async function updateClient(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateClientInput,
  ctx: AuditContext,
): Promise<ClientRow> {
  authorize(principal, "clients", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await findClient(tx, tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("Client not found");
    authorize(principal, "clients", "write");
    const patch: ClientPatch = {};
    if (input.name !== undefined && input.name !== before.name) {
      await assertNameFree(tx, tenantId, input.name, id);
      patch.name = input.name;
    }
    if (input.archived !== undefined && input.archived !== (before.archived_at !== null)) {
      patch.archived_at = input.archived ? ctx.now : null;
    }
    if (Object.keys(patch).length === 0) return before;
    const after = await saveClient(tx, tenantId, id, patch);
    await recordAudit(tx, ctx, {
      tenantId,
      action: patch.archived_at ? "client.archive" : patch.archived_at === null ? "client.restore" : "client.update",
      resourceType: "client",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

/** What a permanent delete would need out of the way; empty when it may go. */
export function clientBlockers(deps: { projects: number; users: number }): string[] {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    ...(deps.projects ? [plural(deps.projects, "project")] : []),
    ...(deps.users ? [plural(deps.users, "client user")] : []),
  ];
}

/** The confirmation page's facts: the client and what blocks deleting it. */
export async function clientDeletePreview(
  sql: Sql,
  principal: Principal,
  id: string,
): Promise<{ client: ClientRow; blockers: string[] }> {
  authorize(principal, "clients", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const client = await findClient(tx, principal.tenantId, id);
    if (!client) throw new NotFoundError("Client not found");
    authorize(principal, "clients", "delete");
    return { client, blockers: clientBlockers(await clientDependents(tx, principal.tenantId, id)) };
  });
}

/** Permanent delete (admins): refused while any project (archived too) or client user refers to the client. */
export async function deleteClient(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "clients", "read");
  const tenantId = principal.tenantId;
  await withTenant(sql, tenantId, async (tx) => {
    const client = await findClient(tx, tenantId, id, { forUpdate: true });
    if (!client) throw new NotFoundError("Client not found");
    authorize(principal, "clients", "delete");
    const blockers = clientBlockers(await clientDependents(tx, tenantId, id));
    if (blockers.length) {
      throw new ConflictError(
        `Cannot delete client "${client.name}": it has ${blockers.join(" and ")}. Archive it instead, ` +
          "or move or delete those first",
      );
    }
    await removeClient(tx, tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "client.delete",
      resourceType: "client",
      resourceId: id,
      before: snapshot(client),
    });
  });
}

export interface ClientOverview {
  client: ClientRow;
  projects: ProjectRow[];
  sows: ClientSowRow[];
  changeRequests: ClientChangeRequestRow[];
}

/** The client page: the client, its active projects, its SOWs and its open change requests. */
export async function clientOverview(sql: Sql, principal: Principal, id: string): Promise<ClientOverview> {
  authorize(principal, "clients", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const client = await findClient(tx, tenantId, id);
    if (!client) throw new NotFoundError("Client not found");
    const [projects, sows, changeRequests] = await Promise.all([
      listProjectRows(tx, tenantId, { clientId: id, archived: false, sort: "name", limit: 200 }),
      can(principal, "sows", "read") ? listClientSows(tx, tenantId, id) : [],
      can(principal, "change_requests", "read") ? listClientOpenChangeRequests(tx, tenantId, id) : [],
    ]);
    return { client, projects: projects.slice(0, 200), sows, changeRequests };
  });
}
