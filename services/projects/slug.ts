/**
 * A project's slug from its name when the caller gives none: lower-case
 * ASCII letters and digits joined by single hyphens ("Café Shop (EU)" →
 * "cafe-shop-eu"), and the first free one of slug, slug-2, slug-3… in the
 * organisation. static/js/slug.js previews the same rule on the form.
 */
import type { Sql } from "../../db/client.ts";
import { findProjectBySlug } from "../../db/queries/projects.ts";

export function slugify(name: string): string {
  const slug = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 56).replace(/-+$/, "");
  return slug || "project";
}

/** The first free slug from `base`; bounded, the slug index still refuses a race. */
export async function freeSlug(tx: Sql, tenantId: string, base: string): Promise<string> {
  for (let n = 1; n <= 100; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!await findProjectBySlug(tx, tenantId, slug)) return slug;
  }
  return `${base}-${crypto.randomUUID().slice(0, 6)}`;
}
