/** Catalog factories: projects (with environments) straight into the database. */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import { insertProjectWithEnvironments } from "../../services/projects/projects.ts";

export interface GenProject {
  id: string;
  name: string;
  slug: string;
  client_id: string;
}

export async function genProject(
  sql: Sql,
  tenantId: string,
  clientId: string,
  overrides: {
    name?: string;
    slug?: string;
    tags?: string[];
    environments?: { name: string; url: string | null }[];
    archived?: boolean;
  } = {},
): Promise<GenProject> {
  const slug = overrides.slug ?? `p-${crypto.randomUUID().slice(0, 8)}`;
  const name = overrides.name ?? `Project ${slug}`;
  const id = await withTenant(sql, tenantId, async (tx) => {
    const id = await insertProjectWithEnvironments(tx, tenantId, {
      client_id: clientId,
      name,
      slug,
      environments: overrides.environments ?? [{ name: "production", url: `https://${slug}.example.com` }],
      tags: overrides.tags ?? [],
    });
    if (overrides.archived) await tx`UPDATE projects SET archived_at = now() WHERE id = ${id}`;
    return id;
  });
  return { id, name, slug, client_id: clientId };
}

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** A page as a browser asks for it; `htmx` asks for the fragment as htmx would. */
export function getPage(app: App, path: string, headers: Record<string, string>, htmx = false) {
  return app.request(path, { headers: { Accept: "text/html", ...(htmx ? { "HX-Request": "true" } : {}), ...headers } });
}

/** A form post as a browser sends it; repeated fields are given as arrays. */
export function postPage(
  app: App,
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string>,
  htmx = false,
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return app.request(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "text/html",
      ...(htmx ? { "HX-Request": "true" } : {}),
      ...headers,
    },
    body,
  });
}
