/**
 * The hash chain catches tampering done behind the application's back: the
 * tests act as the database owner, switch the append-only trigger off, edit
 * or delete a row, and expect `audit:verify` to name exactly that spot.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant } from "../helpers/fixtures.ts";
import { genAudits } from "../helpers/audits.ts";
import { describeReport, verifyAllChains, verifyChain } from "../../services/audits/verify.ts";

const SCRIPT = new URL("../../scripts/audit_verify.ts", import.meta.url).pathname;

/** A fresh database with two tenants' chains: 25 and 8 rows. */
async function twoChains() {
  const db = await createTestDatabase();
  const a = await genTenant(db.sql, { slug: "alpha" });
  const b = await genTenant(db.sql, { slug: "beta" });
  const rowsA = await genAudits(db.sql, a.id, 25);
  await genAudits(db.sql, b.id, 8);
  return { db, a, b, rowsA };
}

/** What an attacker with the owner's password could do: bypass the append-only trigger for one change. */
async function tamper(sql: Sql, change: (tx: Sql) => Promise<unknown>) {
  await sql.begin(async (tx) => {
    await tx`ALTER TABLE audits DISABLE TRIGGER audits_no_update_delete`;
    await change(tx as unknown as Sql);
    await tx`ALTER TABLE audits ENABLE TRIGGER audits_no_update_delete`;
  });
}

async function runScript(databaseUrl: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", SCRIPT],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", DATABASE_URL: databaseUrl, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("an untouched chain verifies: ok with its row count and head, per tenant", async () => {
  const { db, a, b } = await twoChains();
  const reports = await verifyAllChains(db.sql);
  const byTenant = new Map(reports.map((r) => [r.tenantId, r]));
  assertEquals(byTenant.get(a.id)?.rows, 25);
  assertEquals(byTenant.get(b.id)?.rows, 8);
  assert(reports.every((r) => !r.broken));
  const [{ hash }] = await db
    .sql`SELECT encode(hash, 'hex') AS hash FROM audits WHERE tenant_id = ${a.id} AND seq = 25`;
  assertEquals(describeReport(byTenant.get(a.id)!), `tenant alpha (${a.id}): ok 25 rows, head seq 25 hash ${hash}`);
});

Deno.test("verification reads in batches without losing its place at the batch edges", async () => {
  const { db, a } = await twoChains();
  for (const batch of [1, 2, 24, 25, 26]) {
    const result = await verifyChain(db.sql, a.id, batch);
    assertEquals(result.rows, 25, `batch ${batch}`);
    assertEquals(result.broken, undefined);
  }
});

Deno.test("a row edited behind the triggers' back is named exactly: tenant, seq, id, what is wrong", async () => {
  const { db, a, b, rowsA } = await twoChains();
  const victim = rowsA[11];
  await tamper(db.sql, (tx) => tx`UPDATE audits SET details = '{"after": {"n": 999}}' WHERE id = ${victim.id}`);
  const reports = await verifyAllChains(db.sql, () => {}, 5);
  const report = reports.find((r) => r.tenantId === a.id)!;
  assertEquals(report.broken?.seq, victim.seq);
  assertEquals(report.broken?.id, victim.id);
  assertStringIncludes(report.broken!.problem, "edited");
  assertEquals(report.rows, victim.seq - 1);
  assertEquals(reports.find((r) => r.tenantId === b.id)?.broken, undefined, "the other tenant's chain is intact");
});

Deno.test("a row re-hashed to hide an edit breaks the link to the next row", async () => {
  const { db, a, rowsA } = await twoChains();
  const victim = rowsA[4];
  await tamper(db.sql, async (tx) => {
    await tx`UPDATE audits SET actor_label = 'someone-else@example.com' WHERE id = ${victim.id}`;
    await tx`UPDATE audits a SET hash = audit_hash(a) WHERE id = ${victim.id}`;
  });
  const result = await verifyChain(db.sql, a.id);
  assertEquals(result.broken?.seq, victim.seq + 1);
  assertEquals(result.broken?.id, rowsA[5].id);
  assertStringIncludes(result.broken!.problem, `prev_hash does not match the hash of seq ${victim.seq}`);
});

Deno.test("a deleted row is detected as a gap at the row after it", async () => {
  const { db, a, rowsA } = await twoChains();
  await tamper(db.sql, (tx) => tx`DELETE FROM audits WHERE id = ${rowsA[6].id}`);
  const result = await verifyChain(db.sql, a.id);
  assertEquals(result.broken?.seq, 8);
  assertEquals(result.broken?.id, rowsA[7].id);
  assertEquals(result.broken?.problem, "seq 7 missing after seq 6 (rows were deleted)");

  await tamper(db.sql, (tx) => tx`DELETE FROM audits WHERE id = ${rowsA[0].id}`);
  const headless = await verifyChain(db.sql, a.id);
  assertEquals(headless.broken?.seq, 2);
  assertStringIncludes(headless.broken!.problem, "the chain starts at seq 2");
});

Deno.test("deno task audit:verify prints a line per tenant and exits 0, then 1 naming the broken row", async () => {
  const { db, a, b, rowsA } = await twoChains();
  const clean = await runScript(db.url);
  assertEquals(clean.code, 0, clean.stderr);
  const lines = clean.stdout.split("\n");
  assertEquals(lines.length, 2);
  assertMatch(lines.find((l) => l.includes(a.id))!, /^tenant alpha \(.+\): ok 25 rows, head seq 25 hash [0-9a-f]{64}$/);
  assertMatch(lines.find((l) => l.includes(b.id))!, /: ok 8 rows/);
  assertStringIncludes(clean.stderr, "all 2 tenant chains intact");

  await tamper(db.sql, (tx) => tx`UPDATE audits SET ip = '198.51.100.1' WHERE id = ${rowsA[19].id}`);
  const broken = await runScript(db.url);
  assertEquals(broken.code, 1, broken.stderr);
  assertStringIncludes(
    broken.stdout,
    `tenant alpha (${a.id}): BROKEN at seq 20 (id ${rowsA[19].id}): hash does not match the row's contents`,
  );
  assertStringIncludes(broken.stdout, `tenant beta (${b.id}): ok 8 rows`);
  assertStringIncludes(broken.stderr, "1 of 2 tenant chains are BROKEN");
});

Deno.test("deno task audit:verify exits 2 with a clear line when it cannot reach the database", async () => {
  const result = await runScript("postgres://nobody:nothing@127.0.0.1:1/none", { OPSDECK_DB_WAIT_SECONDS: "0" });
  assertEquals(result.code, 2);
  assertStringIncludes(result.stderr, "cannot connect to the database");
  assert(!result.stderr.includes("nothing@"), "no password in the message");
});
