/** Global search across what the reader may read: the API's and the page's one path. */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import { SEARCH_KINDS, searchAll, type SearchHit, type SearchKind } from "../../db/queries/search.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal, type Resource } from "../auth/permissions.ts";

const RESOURCE: Record<SearchKind, Resource> = {
  project: "projects",
  check: "health_checks",
  client: "clients",
  deployment: "deployments",
  alert: "alerts",
};

export const SearchQuerySchema = z.object({
  q: z.string().trim().min(2, "Type at least 2 characters").max(200).openapi({ example: "shop" }),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchHitSchema = z.object({
  kind: z.enum(SEARCH_KINDS),
  id: z.uuid(),
  label: z.string(),
  detail: z.string().nullable(),
  path: z.string().openapi({ example: "/projects/5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
}).openapi("SearchHit");
export const SearchResultSchema = z.object({ data: z.array(SearchHitSchema) }).openapi("SearchResult");

const PATH: Record<SearchKind, string> = {
  project: "/projects",
  check: "/checks",
  client: "/clients",
  deployment: "/deployments",
  alert: "/alerts",
};

export async function search(
  sql: Sql,
  principal: Principal,
  query: SearchQuery,
): Promise<z.infer<typeof SearchResultSchema>> {
  const kinds = SEARCH_KINDS.filter((k) => can(principal, RESOURCE[k], "read"));
  const hits: SearchHit[] = await withTenant(
    sql,
    principal.tenantId,
    (tx) => searchAll(tx, principal.tenantId, { q: query.q, kinds, clientId: principal.clientId, limit: 10 }),
  );
  return { data: hits.map((h) => ({ ...h, path: `${PATH[h.kind]}/${h.id}` })) };
}
