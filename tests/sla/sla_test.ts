/**
 * SLA from a SOW: a target over a client's month in its own time zone
 * (Europe/Berlin, November 2026 = 720 hours), maintenance hours left out,
 * breach and credit tier, incidents with durations, deployments and change
 * requests within the SOW's hours; the worker makes it once on the 1st, mails
 * it to the client's users, and the PDF (read back with unpdf) and CSV carry
 * the right uptime. Client users see their own client's reports only.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { extractText, getDocumentProxy } from "unpdf";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { genProject } from "../helpers/catalog.ts";
import { insertResults } from "../helpers/checks.ts";
import { createSlaReportWorker } from "../../services/sla/reports.ts";
import { silentLogger } from "../../services/platform/logger.ts";

const { app, db, deps } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const acme = p.clients.acme.id;
const project = await genProject(sql, p.tenant.id, acme, { name: "Acme shop" });
const [sow] = await sql`
  INSERT INTO sows (tenant_id, project_id, title, status) VALUES (${p.tenant.id}, ${project.id}, 'Care plan', 'active')
  RETURNING id`;
const [check] = await sql`
  INSERT INTO health_checks (tenant_id, project_id, name, type, url)
  VALUES (${p.tenant.id}, ${project.id}, 'shop', 'http', 'https://shop.example/') RETURNING id`;

// November 2026 in Berlin: 2026-10-31T23:00Z .. 2026-11-30T23:00Z, 720 hours; one result per hour,
// hours 100–105 down, and a maintenance window over hours 104–105 (left out): 714 of 718 up = 99.443 %
const start = Date.parse("2026-10-31T23:00:00Z");
const hour = (h: number) => new Date(start + h * 3_600_000);
await insertResults(
  sql,
  p.tenant.id,
  check.id,
  Array.from({ length: 720 }, (_, h) => ({
    status: h >= 100 && h <= 105 ? "down" as const : "up" as const,
    latencyMs: h % 20 === 0 ? 900 : 100,
    at: new Date(hour(h).getTime() + 30 * 60_000),
  })),
);
await sql`
  INSERT INTO maintenance_windows (tenant_id, project_id, title, starts_at, ends_at)
  VALUES (${p.tenant.id}, ${project.id}, 'Upgrade', ${hour(104)}, ${hour(106)})`;
const [page] = await sql`
  INSERT INTO status_pages (tenant_id, client_id, slug, title) VALUES (${p.tenant.id}, ${acme}, 'acme-sla', 'Acme')
  RETURNING id`;
await sql`
  INSERT INTO incidents (tenant_id, page_id, title, status, impact, started_at, resolved_at)
  VALUES (${p.tenant.id}, ${page.id}, 'Checkout down', 'resolved', 'major', ${hour(100)},
          ${new Date(hour(100).getTime() + 90 * 60_000)})`;
await sql`
  INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, created_at)
  VALUES (${p.tenant.id}, ${project.id}, 'production', 'succeeded', 'abc1234', ${hour(10)}),
         (${p.tenant.id}, ${project.id}, 'production', 'failed', 'abc1235', ${hour(11)})`;
await sql`
  INSERT INTO change_requests (tenant_id, project_id, sow_id, title, status, requested_by, decided_at, resolved_at,
                               created_at)
  VALUES (${p.tenant.id}, ${project.id}, ${sow.id}, 'Fast', 'completed', ${p.carol.user.id}, ${hour(22)}, ${hour(40)},
          ${hour(20)}),
         (${p.tenant.id}, ${project.id}, ${sow.id}, 'Slow', 'approved', ${p.carol.user.id}, ${hour(300)}, NULL,
          ${hour(200)})`;

const call = (method: string, path: string, body?: unknown, headers = p.alice.bearer) =>
  app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));

Deno.test("SLA targets and the monthly report", async (t) => {
  try {
    await t.step("targets on the SOW and the client's zone; bad input names the field", async () => {
      const tz = (timezone: string, headers = p.alice.bearer) =>
        call("PUT", `/api/v1/clients/${acme}/timezone`, { timezone }, headers);
      assertEquals((await problem(await tz("Mars/Olympus_Mons"), 422)).errors[0].path, "timezone");
      assertEquals((await tz("Europe/Berlin", p.erin.bearer)).status, 404);
      assertEquals((await tz("Europe/Berlin")).status, 200);
      const res = await call("POST", "/api/v1/sla-targets", {
        sow_id: sow.id,
        uptime_percent: 99.9,
        response_p95_ms: 500,
        first_response_hours: 24,
        resolution_hours: 72,
        credit_tiers: [{ below: 99.9, credit_percent: 10 }, { below: 99, credit_percent: 25 }],
      });
      assertEquals(res.status, 201);
      const bad = await problem(
        await call("POST", "/api/v1/sla-targets", { sow_id: sow.id, uptime_percent: 120 }),
        422,
      );
      assertEquals(bad.errors[0].path, "uptime_percent");
      assertEquals(
        (await call("POST", "/api/v1/sla-targets", { sow_id: sow.id, uptime_percent: 99 }, p.carol.bearer)).status,
        403,
      );
    });

    let reportId = "";
    await t.step(
      "the worker makes November once, on Dec 1st in Berlin, and mails it to the client's users",
      async () => {
        const at = (iso: string) =>
          createSlaReportWorker({
            sql,
            config: deps.config,
            logger: silentLogger,
            now: () => new Date(iso),
            secret: TEST_SECRET,
            instanceId: "t",
          });
        // Dec 1st 00:30 in Berlin is still Nov 30th in UTC
        assertEquals(await at("2026-11-30T23:30:00Z").tick(), 1);
        assertEquals(await at("2026-12-01T05:00:00Z").tick(), 0);
        const [row] =
          await sql`SELECT id, to_char(month, 'YYYY-MM') AS month FROM sla_reports WHERE client_id = ${acme}`;
        assertEquals(row.month, "2026-11");
        reportId = row.id;
        const mails = await sql`
        SELECT m.recipient, count(a.*)::int AS attachments FROM mail_outbox m
        LEFT JOIN mail_outbox_attachments a ON a.mail_id = m.id
        WHERE m.reference = ${reportId} GROUP BY m.recipient`;
        assertEquals([...mails], [{ recipient: p.carol.user.email, attachments: 2 }]);
      },
    );

    await t.step("the figures: uptime without maintenance, breach, credit, incidents, deployments, CRs", async () => {
      const report = await (await call("GET", `/api/v1/sla-reports/${reportId}`)).json();
      const [target] = report.summary.targets;
      assertEquals(target.uptime_percent, 99.443);
      assertEquals(target.excluded_hours, 2);
      assertEquals(target.breached, true);
      assertEquals(target.credit_percent, 10);
      assertEquals(target.change_requests, { total: 2, first_response_within: 1, resolved_within: 1 });
      assertEquals(report.summary.incidents[0].minutes, 90);
      assertEquals(report.summary.deployments, { total: 2, failed: 1 });
      assertEquals(report.summary.breaches, 1);
    });

    await t.step("the PDF says 99.443 %, the CSV too; client users see their own client's only", async () => {
      const pdf = new Uint8Array(
        await (await call("GET", `/api/v1/sla-reports/${reportId}?format=pdf`, undefined, p.carol.bearer))
          .arrayBuffer(),
      );
      const { text } = await extractText(await getDocumentProxy(pdf), { mergePages: true });
      assertStringIncludes(text, "Uptime 99.443 % against 99.9 % BREACHED");
      assertStringIncludes(text, "Checkout down (major): 90 min");
      const csv = await (await call("GET", `/api/v1/sla-reports/${reportId}?format=csv`)).text();
      assert(csv.split("\r\n")[1].includes(",99.443,2,"), csv);
      assertEquals((await call("GET", `/api/v1/sla-reports/${reportId}`, undefined, p.erin.bearer)).status, 404);
      assertEquals((await (await call("GET", "/api/v1/sla-reports", undefined, p.erin.bearer)).json()).data, []);
      const page = await (await app.request("/sla-reports", { headers: { ...p.carol.cookie, Accept: "text/html" } }))
        .text();
      assertStringIncludes(page, "99.443 %");
      assertEquals((await call("POST", "/api/v1/sla-reports", { client_id: acme, month: "2026-11" })).status, 409);
    });
  } finally {
    await sql.end();
  }
});
