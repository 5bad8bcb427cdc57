/**
 * The authorization matrix: each built-in role × each resource × read/write/delete,
 * as seeded in the database and as enforced by `authorize()` (404 when the role
 * cannot even read a resource, 403 when it can read but not act).
 */
import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { authorize, type Principal, type Resource, RESOURCES } from "../../services/auth/permissions.ts";
import { ForbiddenError, NotFoundError } from "../../services/platform/errors.ts";

type Grant = "" | "r" | "rw" | "rwd";
const ALL = "rwd" as const;

/** The documented matrix (docs/data-model.md, "Built-in roles"). */
const MATRIX: Record<Resource, { admin: Grant; employee: Grant; client: Grant }> = {
  tenants: { admin: ALL, employee: "", client: "" },
  users: { admin: ALL, employee: "r", client: "" },
  roles: { admin: ALL, employee: "", client: "" },
  api_keys: { admin: ALL, employee: "", client: "" },
  settings: { admin: ALL, employee: "", client: "" },
  clients: { admin: ALL, employee: "rw", client: "" },
  projects: { admin: ALL, employee: "rw", client: "r" },
  sows: { admin: ALL, employee: "rw", client: "r" },
  change_requests: { admin: ALL, employee: "rw", client: "rw" },
  deployments: { admin: ALL, employee: "rw", client: "r" },
  health_checks: { admin: ALL, employee: "rw", client: "r" },
  metrics: { admin: ALL, employee: "rw", client: "r" },
  alert_rules: { admin: ALL, employee: "rw", client: "" },
  alerts: { admin: ALL, employee: "rw", client: "r" },
  notification_channels: { admin: ALL, employee: "", client: "" },
  notification_rules: { admin: ALL, employee: "", client: "" },
  audits: { admin: "r", employee: "r", client: "" },
  data_sources: { admin: ALL, employee: "rw", client: "" },
  saved_queries: { admin: ALL, employee: "rw", client: "" },
  data_models: { admin: ALL, employee: "r", client: "" },
  status_pages: { admin: ALL, employee: "rw", client: "r" },
  incidents: { admin: ALL, employee: "rw", client: "r" },
  sla_reports: { admin: ALL, employee: "rw", client: "r" },
  approvals: { admin: ALL, employee: "rw", client: "" },
  dashboards: { admin: ALL, employee: "rw", client: "r" },
};

const { app, db } = await createTestApp();
const personas = await genPersonas(db.sql);
const byRole = { admin: personas.alice, employee: personas.bob, client: personas.carol };

async function principalOf(role: keyof typeof byRole): Promise<Principal> {
  const res = await app.request("/api/v1/me", { headers: byRole[role].bearer });
  const me = await res.json();
  return {
    kind: "user",
    userId: me.id,
    tenantId: me.tenant_id,
    email: me.email,
    name: me.name,
    roleId: "",
    roleName: me.role,
    clientId: me.client_id,
    superAdmin: me.super_admin,
    permissions: new Set(me.permissions),
  };
}

function outcome(principal: Principal, resource: Resource, action: "read" | "write" | "delete"): string {
  try {
    authorize(principal, resource, action);
    return "allow";
  } catch (error) {
    if (error instanceof NotFoundError) return "404";
    if (error instanceof ForbiddenError) return "403";
    throw error;
  }
}

Deno.test("built-in roles × resources × read/write/delete match the documented matrix", async (t) => {
  for (const role of ["admin", "employee", "client"] as const) {
    const principal = await principalOf(role);
    await t.step(role, () => {
      const mismatches: string[] = [];
      for (const resource of RESOURCES) {
        const grant = MATRIX[resource][role];
        for (const [action, letter] of [["read", "r"], ["write", "w"], ["delete", "d"]] as const) {
          const expected = grant.includes(letter) ? "allow" : grant.includes("r") ? "403" : "404";
          const actual = outcome(principal, resource, action);
          if (actual !== expected) mismatches.push(`${resource}:${action} expected ${expected}, got ${actual}`);
        }
      }
      assertEquals(mismatches, []);
    });
  }
});

Deno.test("an API key's scopes narrow its owner's permissions, never widen them", async () => {
  const { narrowToScopes } = await import("../../services/auth/permissions.ts");
  const employee = await principalOf("employee");
  const narrowed = narrowToScopes(employee.permissions, ["deployments:write", "users:manage", "bogus:read"]);
  assertEquals([...narrowed], ["deployments:write"]);
  assertEquals(narrowToScopes(employee.permissions, []).size, employee.permissions.size);
});
