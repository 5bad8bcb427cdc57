import { assertEquals } from "@std/assert";
import {
  checkJsonPath,
  checkKeyword,
  checkStatus,
  jsonPathProblem,
  jsonText,
  parseJsonPath,
} from "../../services/checks/assertions.ts";

Deno.test("JSON paths: the supported subset parses, everything else is refused", () => {
  assertEquals(parseJsonPath("$"), []);
  assertEquals(parseJsonPath("$.a.b"), ["a", "b"]);
  assertEquals(parseJsonPath("$.a[0].b"), ["a", 0, "b"]);
  assertEquals(parseJsonPath("$['key with spaces'].x"), ["key with spaces", "x"]);
  assertEquals(parseJsonPath(`$["double"][2]`), ["double", 2]);
  assertEquals(parseJsonPath("$['it\\'s']"), ["it's"]);
  for (const bad of ["a.b", "$..a", "$.a[*]", "$.a[?(@.x)]", "$[-1]", "$.a.", "$.a b", "$['open", "$.a[0:2]"]) {
    assertEquals(parseJsonPath(bad), null, bad);
    assertEquals(typeof jsonPathProblem(bad), "string", bad);
  }
  assertEquals(jsonPathProblem("$.ok"), null);
});

Deno.test("JSON values compare as text: strings unquoted, the rest as JSON", () => {
  assertEquals(jsonText("ok"), "ok");
  assertEquals(jsonText(3), "3");
  assertEquals(jsonText(1.5), "1.5");
  assertEquals(jsonText(true), "true");
  assertEquals(jsonText(null), "null");
  assertEquals(jsonText({ a: [1, "x"] }), '{"a":[1,"x"]}');
  const body = JSON.stringify({ a: { b: [null, { c: false }] }, n: 0, s: "3" });
  assertEquals(checkJsonPath(body, "$.a.b[1].c", "false"), null);
  assertEquals(checkJsonPath(body, "$.a.b[0]", "null"), null);
  assertEquals(checkJsonPath(body, "$.n", "0"), null);
  assertEquals(checkJsonPath(body, "$.s", "3"), null);
  assertEquals(checkJsonPath(body, "$.a.b[1].c", "true"), '$.a.b[1].c is "false", expected "true"');
  assertEquals(checkJsonPath(body, "$.a.b.c", "x"), "$.a.b.c not found");
  assertEquals(checkJsonPath(body, "$.a.toString", "x"), "$.a.toString not found");
  assertEquals(checkJsonPath(body, "$.n", null), null);
  assertEquals(checkJsonPath("<html>", "$.n", "0"), "the response is not JSON");
});

Deno.test("keywords are plain substrings; long ones are shortened in the detail", () => {
  assertEquals(checkKeyword("all good: ok", "ok", false), null);
  assertEquals(checkKeyword("all good", ".*", false), 'keyword ".*" not found');
  assertEquals(checkKeyword("error: disk full", "error", true), 'keyword "error" found');
  assertEquals(checkKeyword("fine", "error", true), null);
  const long = "x".repeat(200);
  assertEquals(checkKeyword("", long, false), `keyword "${"x".repeat(79)}…" not found`);
});

Deno.test("status codes: the list, or any 2xx when none is listed", () => {
  assertEquals(checkStatus(204, []), null);
  assertEquals(checkStatus(301, []), "expected a 2xx status, got 301");
  assertEquals(checkStatus(500, [200]), "expected status 200, got 500");
  assertEquals(checkStatus(500, [200, 201, 204]), "expected status 200, 201 or 204, got 500");
  assertEquals(checkStatus(401, [401]), null);
});
