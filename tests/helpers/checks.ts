/** Health-check helpers for the checks tests: create through the API, read state and audit rows. */
import { assertEquals } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { insertCheckResults } from "../../db/queries/check_results.ts";
import { jsonRequest } from "./http.ts";

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** Creates a check through the API (201 expected) and returns its JSON. */
export async function createCheck(app: App, headers: Record<string, string>, body: Record<string, unknown>) {
  const res = await app.request("/api/v1/health-checks", jsonRequest("POST", body, headers));
  const json = await res.json();
  assertEquals(res.status, 201, JSON.stringify(json));
  return json;
}

export function httpCheck(projectId: string, extra: Record<string, unknown> = {}) {
  return { project_id: projectId, name: "Home page", type: "http", url: "https://shop.example.com/", ...extra };
}

export async function auditActionsFor(sql: Sql, id: string): Promise<string[]> {
  const rows = await sql<{ action: string }[]>`
    SELECT action FROM audits WHERE resource_id = ${id} ORDER BY seq`;
  return rows.map((r) => r.action);
}

export async function checkCount(sql: Sql, tenantId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM health_checks WHERE tenant_id = ${tenantId}`;
  return row.n;
}

/** Results as the scheduler writes them (roll-ups included), any order. */
export async function insertResults(
  sql: Sql,
  tenantId: string,
  checkId: string,
  rows: { status: "up" | "down" | "degraded"; latencyMs: number; at: Date; detail?: string }[],
) {
  await insertCheckResults(
    sql,
    rows.map((r) => ({
      tenantId,
      checkId,
      status: r.status,
      latencyMs: r.latencyMs,
      statusCode: r.status === "down" ? 500 : 200,
      detail: r.detail ?? null,
      checkedAt: r.at,
    })),
  );
}
