/** Deployment tests: a CI job's API key, its calls, and what they left behind. */
import type { Sql } from "../../db/client.ts";
import { bearer, createKey } from "./api_keys.ts";
import type { TestApp } from "./app.ts";
import { jsonRequest } from "./http.ts";

type App = TestApp["app"];

/** An API key scoped to deployments:write (what a CI job holds), made by `owner` (cookie or bearer headers). */
export async function ciKey(app: App, owner: Record<string, string>): Promise<Record<string, string>> {
  const { key } = await createKey(app, owner, { name: "CI", scopes: ["deployments:write"] });
  return bearer(key);
}

/** POST /api/v1/deployments as a CI step would send it, with an optional Idempotency-Key. */
export function report(app: App, headers: Record<string, string>, body: Record<string, unknown>, key?: string) {
  return app.request(
    "/api/v1/deployments",
    jsonRequest("POST", body, { ...headers, ...(key ? { "Idempotency-Key": key } : {}) }),
  );
}

export function patchStatus(app: App, headers: Record<string, string>, id: string, body: Record<string, unknown>) {
  return app.request(`/api/v1/deployments/${id}`, jsonRequest("PATCH", body, headers));
}

/** Rows a test checks "nothing stored" against. */
export async function counts(sql: Sql) {
  const [row] = await sql<{ deployments: number; audits: number; events: number; keys: number }[]>`
    SELECT (SELECT count(*) FROM deployments)::int AS deployments,
           (SELECT count(*) FROM audits WHERE resource_type = 'deployment')::int AS audits,
           (SELECT count(*) FROM events WHERE subject_type = 'deployment')::int AS events,
           (SELECT count(*) FROM idempotency_keys)::int AS keys`;
  return row;
}

export async function eventTypes(sql: Sql, deploymentId: string): Promise<string[]> {
  const rows = await sql<{ type: string }[]>`
    SELECT type FROM events WHERE subject_type = 'deployment' AND subject_id = ${deploymentId} ORDER BY created_at, type`;
  return rows.map((r) => r.type);
}

export async function auditActions(sql: Sql, deploymentId: string): Promise<string[]> {
  const rows = await sql<{ action: string }[]>`
    SELECT action FROM audits WHERE resource_type = 'deployment' AND resource_id = ${deploymentId} ORDER BY seq`;
  return rows.map((r) => r.action);
}

export const SHA = "9f2c1e7b4a3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

/** A deployment row straight into the database, for metrics tests that need exact past times. */
export async function insertRawDeployment(
  sql: Sql,
  d: {
    tenantId: string;
    projectId: string;
    environment: string;
    status: string;
    createdAt: Date;
    finishedAt: Date | null;
    committedAt: Date | null;
  },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha, started_at, finished_at,
                             committed_at, created_at, updated_at)
    VALUES (${d.tenantId}, ${d.projectId}, ${d.environment}, ${d.status}, 'abcdef1', ${d.createdAt},
            ${d.status === "in_progress" ? null : d.finishedAt}, ${d.committedAt}, ${d.createdAt}, ${d.createdAt})
    RETURNING id`;
  return row.id;
}
