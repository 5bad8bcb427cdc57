/** `?next=` only ever continues on this site: the payloads of issue 11, signed in and signing in. */
import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { safeNext } from "../../routes/safe_next.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);

const HOSTILE = ["/%09/evil.test/phish", "/%0a/evil.test", "/%0d%0a/evil.test", "//evil.test", "/%5C%5Cevil.test"];

Deno.test("GET /login?next= sends a signed-in user home for every hostile path", async (t) => {
  for (const next of HOSTILE) {
    await t.step(next, async () => {
      const res = await app.request(`/login?next=${next}`, { headers: { Cookie: p.bob.cookie.Cookie } });
      assertEquals(res.status, 303);
      assertEquals(res.headers.get("Location"), "/");
    });
  }
});

Deno.test("POST /login with a hostile next signs in and goes home", async (t) => {
  for (const next of HOSTILE) {
    await t.step(next, async () => {
      const form = new URLSearchParams({ email: p.alice.user.email, password: GOOD_PASSWORD });
      const res = await app.request("/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
        body: `${form}&next=${next}`,
      });
      assertEquals(res.status, 303);
      assertEquals(res.headers.get("Location"), "/");
    });
  }
});

Deno.test("safeNext keeps a path on this site, with its query, and refuses the rest", () => {
  assertEquals(safeNext("/projects?page=2#top"), "/projects?page=2#top");
  assertEquals(safeNext("/a/../b"), "/b");
  for (const bad of ["/\t/evil.test/phish", "/\n/evil.test", "/\r\n/evil.test", "//evil.test", "/\\evil.test"]) {
    assertEquals(safeNext(bad), "/", JSON.stringify(bad));
  }
  for (const bad of ["https://evil.test/", "evil.test", "javascript:alert(1)", "", undefined, "/a\u0000b"]) {
    assertEquals(safeNext(bad), "/", JSON.stringify(bad));
  }
});
