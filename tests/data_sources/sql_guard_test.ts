/** The PostgreSQL guard is PostgreSQL's own parser (libpg-query): what it refuses and what real PostgreSQL it accepts. */
import { assertEquals, assertThrows } from "@std/assert";
import { assertReadOnlySelect } from "../../services/data_sources/sql_guard.ts";
import { ValidationError } from "../../services/platform/errors.ts";

const refusal = (text: string) => {
  const error = assertThrows(() => assertReadOnlySelect(text, "postgresql"), ValidationError) as ValidationError;
  assertEquals(error.errors?.[0].path, "query_text");
  return error.errors?.[0].message;
};

Deno.test("the PostgreSQL guard refuses writes hidden in WITH, locks and denied functions by schema", () => {
  assertEquals(
    refusal("WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone"),
    "The query must not change data (DELETE inside WITH)",
  );
  assertEquals(refusal("SELECT * FROM orders FOR SHARE"), "The query must not lock rows (FOR UPDATE / FOR SHARE)");
  assertEquals(refusal("SELECT pg_catalog.pg_sleep(1000)"), "The query must not call pg_sleep()");
  assertEquals(refusal("EXPLAIN ANALYZE SELECT 1"), "The query must be a SELECT (or WITH … SELECT), not EXPLAIN");
  assertEquals(refusal("SELEC 1"), 'The query does not parse as PostgreSQL: syntax error at or near "SELEC"');
});

Deno.test("the PostgreSQL guard accepts PostgreSQL-only syntax", () => {
  for (
    const text of [
      "SELECT date_trunc('day', created_at) AS day, count(*) FILTER (WHERE total > $1) FROM orders GROUP BY 1",
      "SELECT DISTINCT ON (customer_id) customer_id, total FROM orders ORDER BY customer_id, created_at DESC",
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n",
      "SELECT x FROM t WHERE tags @> ARRAY['a'] AND ts AT TIME ZONE 'UTC' > now() - interval '1 day'",
    ]
  ) assertReadOnlySelect(text, "postgresql");
});
