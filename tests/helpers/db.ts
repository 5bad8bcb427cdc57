/**
 * A fresh database per test module, cloned from the template that
 * `tests/run.ts` migrated. Run the suite with `deno task test`.
 */
import { createPool, type Sql } from "../../db/client.ts";

export interface TestDatabase {
  sql: Sql;
  url: string;
  name: string;
}

function adminUrl(): string {
  const url = Deno.env.get("OPSDECK_TEST_DATABASE_URL");
  if (!url) throw new Error("OPSDECK_TEST_DATABASE_URL is not set: run the tests with `deno task test`");
  return url;
}

let admin: Sql | undefined;

export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  admin ??= createPool(adminUrl(), { max: 1, applicationName: "opsdeck-test-admin" });
  const name = `opsdeck_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const template = options.empty ? "template0" : Deno.env.get("OPSDECK_TEST_TEMPLATE")!;
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { sql: createPool(url.toString(), { max: 5, applicationName: "opsdeck-test" }), url: url.toString(), name };
}
