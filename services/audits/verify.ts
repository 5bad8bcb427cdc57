/**
 * `deno task audit:verify`: recomputes every tenant's audit hash chain and
 * names the first row where it breaks. Runs as the database owner (it reads
 * every tenant on purpose) and only reads.
 *
 * For each tenant, in seq order, every row must have:
 *   1. seq = previous seq + 1, starting at 1 (a gap means rows were deleted);
 *   2. prev_hash = the previous row's hash (else a row before it was replaced);
 *   3. hash = audit_hash(row), recomputed by the database (else the row was edited).
 * Removing rows from the end of a chain leaves a valid, shorter chain; the
 * printed head (seq and hash) is what to keep elsewhere to catch that.
 */
import type { Sql } from "../../db/client.ts";
import { listChainLinks, listTenantsForVerification } from "../../db/queries/audits.ts";

export const VERIFY_BATCH = 5000;

export interface ChainBreak {
  seq: number;
  id: string;
  problem: string;
}

export interface ChainReport {
  tenantId: string;
  slug: string;
  /** Rows checked and found sound (all of them when the chain is intact). */
  rows: number;
  head: { seq: number; hash: string } | null;
  broken?: ChainBreak;
}

export type ChainResult = Pick<ChainReport, "rows" | "head" | "broken">;

/** Walks one tenant's chain in batches; stops at the first broken row. */
export async function verifyChain(sql: Sql, tenantId: string, batch = VERIFY_BATCH): Promise<ChainResult> {
  let expectedSeq = 1;
  let prevHash: string | null = null;
  let head: ChainReport["head"] = null;
  for (;;) {
    const links = await listChainLinks(sql, tenantId, expectedSeq - 1, batch);
    for (const link of links) {
      const seq = Number(link.seq);
      const broken = (problem: string) => ({ rows: expectedSeq - 1, head, broken: { seq, id: link.id, problem } });
      if (seq !== expectedSeq) {
        return broken(
          expectedSeq === 1
            ? `the chain starts at seq ${seq}: seq 1 to ${seq - 1} are missing (rows were deleted)`
            : `seq ${expectedSeq}${seq - 1 > expectedSeq ? ` to ${seq - 1}` : ""} missing after seq ${
              expectedSeq - 1
            } (rows were deleted)`,
        );
      }
      if (link.prev_hash !== prevHash) {
        return broken(`prev_hash does not match the hash of seq ${seq - 1} (that row was replaced or re-hashed)`);
      }
      if (link.hash !== link.computed_hash) {
        return broken("hash does not match the row's contents (the row was edited after it was written)");
      }
      prevHash = link.hash;
      head = { seq, hash: link.hash };
      expectedSeq++;
    }
    if (links.length < batch) return { rows: expectedSeq - 1, head };
  }
}

/** Verifies every tenant's chain, reporting each as it finishes. */
export async function verifyAllChains(
  sql: Sql,
  onReport: (report: ChainReport) => void = () => {},
  batch = VERIFY_BATCH,
): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const tenant of await listTenantsForVerification(sql)) {
    const result = await verifyChain(sql, tenant.id, batch);
    const report = { tenantId: tenant.id, slug: tenant.slug, ...result };
    reports.push(report);
    onReport(report);
  }
  return reports;
}

/** One line per tenant: `ok N rows` with the head, or the first broken row and what is wrong with it. */
export function describeReport(r: ChainReport): string {
  const tenant = `tenant ${r.slug} (${r.tenantId})`;
  if (r.broken) {
    return `${tenant}: BROKEN at seq ${r.broken.seq} (id ${r.broken.id}): ${r.broken.problem}; ` +
      `${r.rows} rows before it verify`;
  }
  const head = r.head ? `, head seq ${r.head.seq} hash ${r.head.hash}` : "";
  return `${tenant}: ok ${r.rows} rows${head}`;
}
