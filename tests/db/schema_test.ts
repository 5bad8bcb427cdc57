/**
 * The schema's own guarantees, checked on a freshly migrated database:
 * indexes behind every foreign key, tenant_id everywhere, CHECKs for the SPEC
 * enums, tenant-safe composite FKs and the append-only, hash-chained audits.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { createTestDatabase } from "../helpers/db.ts";
import type { Sql } from "../../db/client.ts";

/** Tables without a NOT NULL tenant_id, and why. */
const TENANTLESS: Record<string, string> = {
  tenants: "the root",
  schema_migrations: "bookkeeping of the migration runner",
  roles: "tenant_id is NULL for the built-in roles shared by all tenants",
  permissions: "pure children of a role, read through it",
  login_throttles: "failed sign-ins by e-mail and address, counted before any tenant is known",
  api_rate_counts: "API requests per key or client address a minute, counted before (or without) a tenant",
  check_result_seal: "one row: how far every tenant's results are sealed into segments (00200)",
};

/**
 * Tables whose tenant is checked per statement by a trigger instead of row by
 * row by a foreign key (00220: the metric ingest's 10,000-point batches); the
 * trigger checks the (tenant, project) pair, and the project references tenants.
 */
const TENANT_BY_STATEMENT = /^metric_snapshots(_|$)/;

/** The only partial-index predicate that still covers a foreign key. */
const NOT_NULL_PREDICATE = String.raw`^\(\w+ IS NOT NULL\)$`;

async function rejectsWithCode(fn: () => PromiseLike<unknown>, code: string): Promise<Error> {
  const error = await assertRejects(fn);
  assertEquals((error as { code?: string }).code, code, error.message);
  return error;
}

interface Fixture {
  tenantId: string;
  userId: string;
  clientId: string;
  projectId: string;
}

async function seedTenant(sql: Sql, slug: string): Promise<Fixture> {
  const [tenant] = await sql<{ id: string }[]>`
    INSERT INTO tenants (name, slug) VALUES (${slug}, ${slug}) RETURNING id`;
  const [user] = await sql<{ id: string }[]>`
    INSERT INTO users (tenant_id, email, status, role_id)
    SELECT ${tenant.id}, ${`alice@${slug}.test`}, 'active', id FROM roles WHERE tenant_id IS NULL AND name = 'admin'
    RETURNING id`;
  const [client] = await sql<{ id: string }[]>`
    INSERT INTO clients (tenant_id, name) VALUES (${tenant.id}, 'Acme') RETURNING id`;
  const [project] = await sql<{ id: string }[]>`
    INSERT INTO projects (tenant_id, client_id, name, slug)
    VALUES (${tenant.id}, ${client.id}, 'Shop', 'shop') RETURNING id`;
  await sql`
    INSERT INTO project_environments (tenant_id, project_id, name, url)
    VALUES (${tenant.id}, ${project.id}, 'production', 'https://shop.example')`;
  return { tenantId: tenant.id, userId: user.id, clientId: client.id, projectId: project.id };
}

Deno.test("schema", async (t) => {
  const { sql } = await createTestDatabase();
  try {
    await t.step("every foreign key is covered by an index led by its columns", async () => {
      // Partial indexes count only when their predicate is `col IS NOT NULL`,
      // which every lookup of a nullable FK value implies.
      const uncovered = await sql<{ constraint: string; columns: string[] }[]>`
        SELECT c.conrelid::regclass::text || '.' || c.conname AS constraint,
          array(SELECT a.attname FROM unnest(c.conkey) k
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)::text[] AS columns
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND i.indnkeyatts >= cardinality(c.conkey)
              AND (SELECT array_agg(k ORDER BY k) FROM unnest(i.indkey) WITH ORDINALITY u(k, n)
                   WHERE n <= cardinality(c.conkey))
                = (SELECT array_agg(k ORDER BY k) FROM unnest(c.conkey) k)
              AND (i.indpred IS NULL OR pg_get_expr(i.indpred, i.indrelid) ~ ${NOT_NULL_PREDICATE})
          )
        ORDER BY 1`;
      assertEquals([...uncovered], []);
    });

    await t.step("every table but the tenantless ones has a NOT NULL tenant_id referencing tenants", async () => {
      const tables = await sql<{ table: string; not_null: boolean | null; references_tenants: boolean }[]>`
        SELECT c.relname AS table, a.attnotnull AS not_null,
          EXISTS (
            SELECT 1 FROM pg_constraint f
            WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid = 'tenants'::regclass
              AND f.conkey = ARRAY[a.attnum]
          ) AS references_tenants
        FROM pg_class c
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        ORDER BY 1`;
      const offenders = tables
        .filter((r) => !(r.not_null && (r.references_tenants || TENANT_BY_STATEMENT.test(r.table))))
        .filter((r) => !(r.table in TENANTLESS))
        .map((r) => r.table);
      assertEquals(offenders, []);
      const nullable = tables.filter((r) => r.not_null === false).map((r) => r.table);
      assertEquals(nullable, ["roles"]);
    });

    await t.step("the built-in roles are seeded, shared and cannot be shadowed by a custom role", async () => {
      const roles = await sql<{ name: string; permissions: number }[]>`
        SELECT r.name, count(p.*)::int AS permissions
        FROM roles r LEFT JOIN permissions p ON p.role_id = r.id
        WHERE r.tenant_id IS NULL GROUP BY r.name ORDER BY r.name`;
      assertEquals([...roles], [
        // approvals (00100): admin read/write/delete/manage, employee read/write;
        // dashboards (00070): admin read/write/delete, employee read/write, client read;
        // status pages, incidents, SLA reports (00080): the same for each;
        // data models (00130): employees lose data_models:write (admins define models, employees use them)
        { name: "admin", permissions: 62 + 4 + 3 + 9 },
        { name: "client", permissions: 8 + 1 + 3 },
        { name: "employee", permissions: 26 + 2 + 2 + 6 - 1 },
      ]);
      const { tenantId } = await seedTenant(sql, "roles");
      await rejectsWithCode(() => sql`INSERT INTO roles (tenant_id, name) VALUES (${tenantId}, 'Admin')`, "23514");
      await rejectsWithCode(() => sql`INSERT INTO roles (name) VALUES ('auditor')`, "23514");
    });

    const a = await seedTenant(sql, "acme");
    const b = await seedTenant(sql, "globex");

    await t.step("SPEC enums are enforced by CHECK constraints", async (t) => {
      const [check] = await sql<{ id: string }[]>`
        INSERT INTO health_checks (tenant_id, project_id, name, type, url)
        VALUES (${a.tenantId}, ${a.projectId}, 'Home', 'http', 'https://shop.example') RETURNING id`;
      const cases: Record<string, () => PromiseLike<unknown>> = {
        "deployment status": () =>
          sql`INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha)
              VALUES (${a.tenantId}, ${a.projectId}, 'production', 'bogus', 'abc1234')`,
        "user status": () => sql`UPDATE users SET status = 'bogus' WHERE id = ${a.userId}`,
        "change request priority": () =>
          sql`INSERT INTO change_requests (tenant_id, project_id, title, priority, requested_by)
              VALUES (${a.tenantId}, ${a.projectId}, 'Add SSO', 'urgent', ${a.userId})`,
        "sow status": () =>
          sql`INSERT INTO sows (tenant_id, project_id, title, status)
              VALUES (${a.tenantId}, ${a.projectId}, 'Phase 1', 'bogus')`,
        "health check type": () =>
          sql`INSERT INTO health_checks (tenant_id, project_id, name, type, url)
              VALUES (${a.tenantId}, ${a.projectId}, 'Home', 'icmp', 'https://shop.example')`,
        "check result status": () =>
          sql`INSERT INTO check_results (tenant_id, check_id, status)
              VALUES (${a.tenantId}, ${check.id}, 'bogus')`,
        "notification channel type": () =>
          sql`INSERT INTO notification_channels (tenant_id, name, type)
              VALUES (${a.tenantId}, 'Pager', 'pagerduty')`,
        "external identity provider": () =>
          sql`INSERT INTO external_identities (tenant_id, user_id, provider, issuer, subject)
              VALUES (${a.tenantId}, ${a.userId}, 'facebook', 'https://facebook.com', '42')`,
      };
      for (const [name, insert] of Object.entries(cases)) {
        await t.step(name, () => rejectsWithCode(insert, "23514").then(() => {}));
      }
    });

    await t.step("a deployment's commit_sha must be 7 to 40 lower-case hex digits", async () => {
      const insert = (sha: string) =>
        sql`INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha)
            VALUES (${a.tenantId}, ${a.projectId}, 'production', 'succeeded', ${sha})`;
      await rejectsWithCode(() => insert("not-a-sha"), "23514");
      await rejectsWithCode(() => insert("abc12"), "23514");
      await rejectsWithCode(() => insert("a".repeat(41)), "23514");
      await insert("0123456789abcdef0123456789abcdef01234567");
    });

    await t.step("a deployment must name an environment of its project", async () => {
      await rejectsWithCode(
        () =>
          sql`INSERT INTO deployments (tenant_id, project_id, environment, status, commit_sha)
              VALUES (${a.tenantId}, ${a.projectId}, 'staging', 'queued', 'abc1234')`,
        "23503",
      );
    });

    await t.step("notification rules accept only SPEC event types", async () => {
      const [channel] = await sql<{ id: string }[]>`
        INSERT INTO notification_channels (tenant_id, name, type, config)
        VALUES (${a.tenantId}, 'Ops mail', 'email', ${sql.json({ to: ["ops@acme.test"] })}) RETURNING id`;
      const insert = (eventTypes: string[]) =>
        sql`INSERT INTO notification_rules (tenant_id, channel_id, event_types)
            VALUES (${a.tenantId}, ${channel.id}, ${eventTypes})`;
      await rejectsWithCode(() => insert(["health_check.down", "health_check.exploded"]), "23514");
      await rejectsWithCode(() => insert([]), "23514");
      await insert(["health_check.down", "deployment.failed"]);
    });

    await t.step("a row cannot point at another tenant's parent", async () => {
      await rejectsWithCode(
        () =>
          sql`INSERT INTO projects (tenant_id, client_id, name, slug)
              VALUES (${b.tenantId}, ${a.clientId}, 'Stolen', 'stolen')`,
        "23503",
      );
      await rejectsWithCode(
        () =>
          sql`INSERT INTO change_requests (tenant_id, project_id, title, requested_by)
              VALUES (${a.tenantId}, ${a.projectId}, 'Hi', ${b.userId})`,
        "23503",
      );
    });

    await t.step("audits are hash-chained per tenant", async () => {
      for (const action of ["client.create", "project.update"]) {
        await sql`
          INSERT INTO audits (tenant_id, actor_user_id, action, resource_type, resource_id, ip, details)
          VALUES (${a.tenantId}, ${a.userId}, ${action}, 'clients', ${a.clientId}, '192.0.2.1',
                  ${sql.json({ after: { name: "Acme" } })})`;
      }
      await sql`INSERT INTO audits (tenant_id, action, resource_type) VALUES (${b.tenantId}, 'tenant.create', 'tenants')`;
      const rows = await sql<{ tenant_id: string; seq: string; linked: boolean; valid: boolean }[]>`
        SELECT tenant_id, seq::text,
          prev_hash IS NOT DISTINCT FROM lag(hash) OVER (PARTITION BY tenant_id ORDER BY seq) AS linked,
          hash = audit_hash(audits) AS valid
        FROM audits ORDER BY tenant_id = ${a.tenantId} DESC, seq`;
      assertEquals([...rows], [
        { tenant_id: a.tenantId, seq: "1", linked: true, valid: true },
        { tenant_id: a.tenantId, seq: "2", linked: true, valid: true },
        { tenant_id: b.tenantId, seq: "1", linked: true, valid: true },
      ]);
    });

    await t.step("audits refuse UPDATE, DELETE and TRUNCATE", async () => {
      await rejectsWithCode(() => sql`UPDATE audits SET action = 'client.delete'`, "42501");
      await rejectsWithCode(() => sql`DELETE FROM audits`, "42501");
      await rejectsWithCode(() => sql`TRUNCATE audits`, "42501");
      const [{ count }] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM audits`;
      assertEquals(count, 3);
    });

    await t.step("an alert rule has at most one open alert per subject", async () => {
      const [rule] = await sql<{ id: string }[]>`
        INSERT INTO alert_rules (tenant_id, project_id, name, kind, metric_type, operator, threshold, window_seconds)
        VALUES (${a.tenantId}, ${a.projectId}, 'Slow', 'metric_threshold', 'latency.p95', 'above', 500, 300)
        RETURNING id`;
      const open = () =>
        sql`INSERT INTO alerts (tenant_id, rule_id, project_id, subject_key, severity, summary)
            VALUES (${a.tenantId}, ${rule.id}, ${a.projectId}, 'project:shop', 'warning', 'p95 above 500 ms')`;
      await open();
      await rejectsWithCode(open, "23505");
      await sql`UPDATE alerts SET status = 'resolved', resolved_at = now() WHERE rule_id = ${rule.id}`;
      await open();
    });
  } finally {
    await sql.end();
  }
});
