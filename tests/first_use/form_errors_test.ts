/**
 * Plain-words form errors: each form that used to show zod's own wording
 * ("Too small: expected string to have >=1 characters", "Invalid option:
 * expected one of …") answers 422 with the refused field marked, a message a
 * person can act on next to it, and what was typed kept.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { postForm } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const p = await genPersonas(db.sql);
const shop = await genProject(db.sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

/** The message shown next to each refused field, by field name. */
const fieldErrors = (body: string) =>
  Object.fromEntries([...body.matchAll(/id="([a-z_]+)-error" class="field-error">([^<]*)</g)].map((m) => [m[1], m[2]]));

const cases: {
  form: string;
  path: string;
  fields: Record<string, string>;
  errors: Record<string, string>;
  kept: string;
}[] = [
  {
    form: "SOW",
    path: `/projects/${shop.id}/sows`,
    fields: { name: "", starts_on: "nope", value: "12500.00" },
    errors: { name: "This field is required", starts_on: "Enter a date" },
    kept: 'name="value" type="text" value="12500.00"',
  },
  {
    form: "alert rule",
    path: "/alert-rules",
    fields: { name: "Shop down", kind: "" },
    errors: { kind: "Choose one of the options" },
    kept: 'name="name" type="text" value="Shop down"',
  },
  {
    form: "user",
    path: "/users",
    fields: { email: "not-an-email", name: "Dana Doe", role: "" },
    errors: { email: "Enter an email address, like name@example.com", role: "This field is required" },
    kept: 'name="name" type="text" value="Dana Doe"',
  },
];

for (const t of cases) {
  Deno.test(`the ${t.form} form names the refused field in plain words and keeps what was typed`, async () => {
    const res = await postForm(app, t.path, t.fields, p.alice.cookie);
    assertEquals(res.status, 422);
    const body = await res.text();
    assertEquals(fieldErrors(body), t.errors);
    for (const field of Object.keys(t.errors)) assertStringIncludes(body, `aria-describedby="${field}-error"`);
    assertStringIncludes(body, t.kept);
    assert(!/Too small|Invalid option|Invalid input|expected string/.test(body), "no zod wording on the page");
  });
}

Deno.test("a schema's own message is kept as written", async () => {
  const res = await postForm(app, "/projects", { name: "Storefront", slug: "BAD SLUG", client_id: "" }, p.alice.cookie);
  assertEquals(res.status, 422);
  const body = await res.text();
  assertEquals(fieldErrors(body).slug, "use lower-case letters, digits and inner hyphens (like storefront-eu)");
  assertStringIncludes(body, 'value="Storefront"');
});
