/** Audit rows for tests, written the way the app writes them (as opsdeck_app, through the chain trigger). */
import type { Sql } from "../../db/client.ts";
import { type AuditInsert, insertAudit } from "../../db/queries/audits.ts";
import { withTenant } from "../../db/tenant.ts";

export type AuditOverrides = Partial<Omit<AuditInsert, "tenantId">>;

/** A `user.update` row: `actor` changed the user `userId`, as `details` says. */
export function userUpdate(
  actor: { id: string; email: string },
  userId: string,
  details: Record<string, unknown>,
): AuditOverrides {
  return {
    actorUserId: actor.id,
    actorLabel: actor.email,
    action: "user.update",
    resourceType: "user",
    resourceId: userId,
    details,
  };
}

/** `count` rows in one transaction; `make(i)` overrides row i. Times go up a minute per row from `start`. */
export async function genAudits(
  sql: Sql,
  tenantId: string,
  count: number,
  make: (i: number) => AuditOverrides = () => ({}),
  start = new Date("2025-03-01T00:00:00Z"),
): Promise<{ id: string; seq: number }[]> {
  return await withTenant(sql, tenantId, async (tx) => {
    const rows = [];
    for (let i = 0; i < count; i++) {
      rows.push(
        await insertAudit(tx, {
          tenantId,
          actorUserId: null,
          actorApiKeyId: null,
          actorLabel: "seed@example.com",
          action: "thing.update",
          resourceType: "thing",
          resourceId: `thing-${i}`,
          ip: "192.0.2.10",
          userAgent: "tests",
          details: { before: { n: i }, after: { n: i + 1 } },
          createdAt: new Date(start.getTime() + i * 60_000),
          ...make(i),
        }),
      );
    }
    return rows.map((r) => ({ id: r.id, seq: Number(r.seq) }));
  });
}

/** An RFC 4180 parser, small and strict enough to check what the export writes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || row.length) throw new Error("CSV does not end with CRLF");
  return rows;
}
