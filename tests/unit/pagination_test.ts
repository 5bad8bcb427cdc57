import { assertEquals, assertThrows } from "@std/assert";
import { decodeCursor, encodeCursor, toPage } from "../../services/platform/pagination.ts";
import { BadRequestError } from "../../services/platform/errors.ts";

Deno.test("a cursor round-trips its key and is URL-safe", () => {
  const key = ["2026-11-23T12:00:00.000Z", "b1c9a3f0-0000-4000-8000-000000000000"];
  const cursor = encodeCursor(key);
  assertEquals(/^[A-Za-z0-9_-]+$/.test(cursor), true);
  assertEquals(decodeCursor(cursor, ["string", "string"]), key);
});

Deno.test("decodeCursor refuses garbage and cursors of another shape", () => {
  assertThrows(() => decodeCursor("%%%", ["number"]), BadRequestError, "cursor");
  assertThrows(() => decodeCursor(encodeCursor(["a"]), ["number"]), BadRequestError);
  assertThrows(() => decodeCursor(encodeCursor([1, 2]), ["number"]), BadRequestError);
});

Deno.test("toPage trims the look-ahead row and points the cursor at the last row kept", () => {
  const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
  const page = toPage(rows, 2, (r) => [r.n]);
  assertEquals(page.data, [{ n: 1 }, { n: 2 }]);
  assertEquals(decodeCursor(page.next_cursor!, ["number"]), [2]);
  assertEquals(toPage(rows, 3, (r) => [r.n]).next_cursor, null);
});
