import { assertEquals } from "@std/assert";
import { diffDetails, sameJson } from "../../services/audits/diff.ts";

Deno.test("diffDetails marks changed, added, removed and unchanged keys, sorted by path", () => {
  const lines = diffDetails(
    { name: "Acme", role: "employee", phone: "123", tags: ["a"] },
    { name: "Acme", role: "admin", email: "x@example.com", tags: ["a"] },
  );
  assertEquals(lines, [
    { path: "email", kind: "added", after: "x@example.com" },
    { path: "name", kind: "unchanged", before: "Acme", after: "Acme" },
    { path: "phone", kind: "removed", before: "123" },
    { path: "role", kind: "changed", before: "employee", after: "admin" },
    { path: "tags", kind: "unchanged", before: ["a"], after: ["a"] },
  ]);
});

Deno.test("diffDetails flattens nested objects to dotted paths and compares arrays whole", () => {
  const lines = diffDetails(
    { config: { channel: "#ops", bot_token: "[redacted]" }, scopes: ["a", "b"] },
    { config: { channel: "#alerts", bot_token: "[redacted]" }, scopes: ["b", "a"] },
  );
  assertEquals(lines.map((l) => [l.path, l.kind]), [
    ["config.bot_token", "unchanged"],
    ["config.channel", "changed"],
    ["scopes", "changed"],
  ]);
});

Deno.test("a create has only after (all added), a delete only before (all removed)", () => {
  assertEquals(diffDetails(undefined, { name: "Acme" }), [{ path: "name", kind: "added", after: "Acme" }]);
  assertEquals(diffDetails({ name: "Acme" }, undefined), [{ path: "name", kind: "removed", before: "Acme" }]);
});

Deno.test("a value that is not an object is compared as a whole", () => {
  assertEquals(diffDetails("active", "suspended"), [
    { path: "", kind: "changed", before: "active", after: "suspended" },
  ]);
  assertEquals(diffDetails(null, { a: 1 }), [{ path: "", kind: "changed", before: null, after: { a: 1 } }]);
});

Deno.test("sameJson ignores key order but not array order", () => {
  assertEquals(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
  assertEquals(sameJson([1, 2], [2, 1]), false);
  assertEquals(sameJson({ a: 1 }, { a: 1, b: undefined }), false);
  assertEquals(sameJson(null, {}), false);
});
