import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genAudits, parseCsv } from "../helpers/audits.ts";
import { CSV_BATCH, CSV_COLUMNS, csvCell } from "../../services/audits/export.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

Deno.test("csvCell quotes what RFC 4180 requires and defuses spreadsheet formulas", () => {
  assertEquals(csvCell("plain"), "plain");
  assertEquals(csvCell(42), "42");
  assertEquals(csvCell(null), "");
  assertEquals(csvCell("a,b"), '"a,b"');
  assertEquals(csvCell('say "hi"'), '"say ""hi"""');
  assertEquals(csvCell("two\nlines"), '"two\nlines"');
  assertEquals(csvCell("=1+1"), "'=1+1");
  assertEquals(csvCell("+33 1 23"), "'+33 1 23");
  assertEquals(csvCell("-2"), "'-2");
  assertEquals(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assertEquals(csvCell("\t=cmd"), "'\t=cmd");
  assertEquals(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assertEquals(csvCell("a=b"), "a=b");
});

Deno.test("GET /api/v1/audits/export streams the filtered rows with a header, quoted and defused", async () => {
  const hostile = await genAudits(sql, p.tenant.id, 3, (i) => ({
    action: "client.create",
    resourceType: "client",
    actorLabel: ['=cmd|" /C calc"!A0', "@evil", "Smith, Jane"][i],
    userAgent: ["-1+2", 'quote " inside', "line\r\nbreak"][i],
    details: { after: { name: ["+danger", "x", "y"][i] } },
  }));
  await genAudits(sql, p.tenant.id, 4, () => ({ action: "thing.update" }));

  const res = await app.request("/api/v1/audits/export?action=client.create&limit=1", { headers: p.alice.bearer });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/csv; charset=utf-8");
  assertStringIncludes(res.headers.get("Content-Disposition")!, 'attachment; filename="opsdeck-audits-');
  const rows = parseCsv(await res.text());
  assertEquals(rows[0], [...CSV_COLUMNS]);
  assertEquals(rows.length, 4, "every matching row despite limit=1, and only those");
  const records = rows.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])));
  assertEquals(records.map((r) => r.id), hostile.map((h) => h.id).reverse(), "newest first");
  const [third, second, first] = records;
  assertEquals(first.actor_label, `'=cmd|" /C calc"!A0`);
  assertEquals(first.user_agent, "'-1+2");
  assertEquals(second.actor_label, "'@evil");
  assertEquals(second.user_agent, 'quote " inside');
  assertEquals(third.actor_label, "Smith, Jane");
  assertEquals(third.user_agent, "line\r\nbreak");
  assertEquals(JSON.parse(first.details), { after: { name: "+danger" } });
  assertEquals(first.action, "client.create");
  assertEquals(first.seq, String(hostile[0].seq));
  assertEquals(first.actor_type, "");
});

Deno.test("the CSV export walks past its batch size without repeating or dropping a row", async () => {
  const tenant = await genPersonas(sql);
  await genAudits(sql, tenant.tenant.id, CSV_BATCH * 2 + 17, () => ({ action: "metric.ingest" }));
  const res = await app.request("/api/v1/audits/export?action=metric.ingest", { headers: tenant.alice.bearer });
  assertEquals(res.status, 200);
  const rows = parseCsv(await res.text()).slice(1);
  assertEquals(rows.length, CSV_BATCH * 2 + 17);
  const seqs = rows.map((r) => Number(r[1]));
  assertEquals(new Set(seqs).size, seqs.length);
  assert(seqs.every((s, i) => i === 0 || s < seqs[i - 1]), "strictly newest first");
});

Deno.test("the CSV export refuses bad filters before streaming anything", async () => {
  const res = await app.request("/api/v1/audits/export?since=soon", { headers: p.alice.bearer });
  assertEquals(res.status, 422);
  assertEquals((await res.json()).errors[0].path, "since");
});
