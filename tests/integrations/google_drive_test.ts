/**
 * Google Drive against its stand-in (tests/helpers/google_api.ts): connecting
 * by Google's OAuth (access_type=offline, PKCE; a wrong state or a replayed
 * code → 400 and nothing stored), SOW and change-request documents picked by
 * `drive_id` read through `@googleapis/drive` by the sync worker (title, link,
 * modified time; trashed and missing files shown as such), kept fresh, on the
 * pages with their last refresh; a one-hour token refreshed; a token revoked
 * at Google → broken through the common path; disconnect revokes.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { genProject } from "../helpers/catalog.ts";
import { GOOGLE_USER, startGoogleStandIn } from "../helpers/google_api.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { consentAt, createIntegrationTestApp, startConnect } from "../helpers/integrations.ts";

const google = startGoogleStandIn();
let clock = Date.now();
const { app, sql, p, tenantId, worker } = await createIntegrationTestApp({
  env: google.env,
  instanceId: "test-drive",
  now: () => new Date(clock),
});
const project = await genProject(sql, tenantId, p.clients.acme.id, { name: "Storefront" });

const SOW_FILE = "1SowDocAbCdEfGhIjKlMnOp";
const CR_FILE = "1CrSheetAbCdEfGhIjKlMn";
const TRASHED_FILE = "1TrashedAbCdEfGhIjKlM";
const GONE_FILE = "1NeverExistedAbCdEfGh";
google.files.set(SOW_FILE, {
  id: SOW_FILE,
  name: "SOW 2027 phase 1",
  mimeType: "application/vnd.google-apps.document",
  modifiedTime: "2026-11-30T09:15:00.000Z",
  trashed: false,
});
google.files.set(CR_FILE, {
  id: CR_FILE,
  name: "CR-12 single sign-on estimate",
  mimeType: "application/vnd.google-apps.spreadsheet",
  modifiedTime: "2026-12-01T14:00:00.000Z",
  trashed: false,
});
google.files.set(TRASHED_FILE, {
  id: TRASHED_FILE,
  name: "Old SOW draft",
  mimeType: "application/pdf",
  modifiedTime: "2026-10-01T08:00:00.000Z",
  trashed: true,
});

/** The admin's browser: start, click Allow at the stand-in; answers the callback path (not yet followed). */
async function allowAtGoogle() {
  const authorize = await startConnect(app, "google", p.alice);
  const page = await fetch(authorize);
  assertStringIncludes(await page.text(), "wants to access your Google Account");
  return await consentAt(`${google.url}/o/oauth2/v2/auth`, authorize, ["redirect_uri", "state", "code_challenge"]);
}

const integrationCount = async () =>
  (await sql`SELECT count(*)::int AS n FROM integrations WHERE tenant_id = ${tenantId}`)[0].n;
let integrationId = "";

Deno.test("connect by Google's OAuth: offline access with PKCE; a wrong state or a replayed code is 400", async () => {
  const first = await allowAtGoogle();
  const q = google.authorizeQueries.at(-1)!;
  assertEquals(
    [q.get("access_type"), q.get("prompt"), q.get("code_challenge_method"), q.get("response_type"), q.get("scope")],
    ["offline", "consent", "S256", "code", "https://www.googleapis.com/auth/drive.readonly"],
  );
  const done = await app.request(first, { headers: p.alice.cookie });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("location"), `/integrations?connected=${encodeURIComponent(GOOGLE_USER.emailAddress)}`);
  const list = await (await app.request("/api/v1/integrations", { headers: p.alice.bearer })).json();
  const i = list.integrations.find((x: { platform: string }) => x.platform === "google");
  integrationId = i.id;
  assertEquals([i.account_id, i.account_name, i.status, i.metadata.connected_as], [
    GOOGLE_USER.permissionId,
    GOOGLE_USER.emailAddress,
    "connected",
    GOOGLE_USER.displayName,
  ]);
  const [row] =
    await sql`SELECT access_token_ciphertext, refresh_token_ciphertext FROM integrations WHERE id = ${i.id}`;
  assert(!new TextDecoder().decode(row.access_token_ciphertext).includes("ya29."), "the token is sealed");
  assert(row.refresh_token_ciphertext, "offline access brought a refresh token");

  const before = await integrationCount();
  const replay = await app.request(first, { headers: p.alice.cookie });
  assertEquals(replay.status, 400);
  assertStringIncludes(await replay.text(), "state is unknown or was used already");
  const wrong = await app.request("/integrations/google/callback?state=wrong&code=4/0Ax", { headers: p.alice.cookie });
  assertEquals(wrong.status, 400);
  const fresh = new URL(await allowAtGoogle(), "http://localhost");
  fresh.searchParams.set("code", new URL(first, "http://localhost").searchParams.get("code")!);
  const reused = await app.request(`${fresh.pathname}${fresh.search}`, { headers: p.alice.cookie });
  assertEquals(reused.status, 400);
  assertStringIncludes(await reused.text(), "code was refused by the provider (invalid_grant)");
  assertEquals(await integrationCount(), before);
});

let sowId = "";
let crId = "";
let trashedSowId = "";

Deno.test("SOW and change-request files by drive_id: read by the sync worker, shown with their last refresh", async () => {
  clock = Date.now();
  assertEquals(await worker.tick(), { synced: 1, failed: 0 }, "the first sync after connecting: no files yet");
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await app.request(path, jsonRequest("POST", { project_id: project.id, ...body }, p.alice.bearer));
    assertEquals(res.status, 201);
    return (await res.json()).id as string;
  };
  sowId = await post("/api/v1/sows", { name: "Phase 1", drive_id: SOW_FILE });
  trashedSowId = await post("/api/v1/sows", { name: "Phase 0", drive_id: TRASHED_FILE });
  crId = await post("/api/v1/change-requests", { title: "Single sign-on", drive_id: CR_FILE });
  const goneId = await post("/api/v1/change-requests", { title: "Gone estimate", drive_id: GONE_FILE });
  // Not read yet: the API says null and the page links by id.
  assertEquals(
    (await (await app.request(`/api/v1/sows/${sowId}`, { headers: p.alice.bearer })).json()).drive_document,
    null,
  );
  // A new drive_id brought the Google integration's sync forward to now (00191): this tick reads them all, though the
  // minute since the last sync has not passed.
  clock = Date.now();
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  assertEquals(google.fileReads.toSorted(), [CR_FILE, GONE_FILE, SOW_FILE, TRASHED_FILE].toSorted());

  const sow = await (await app.request(`/api/v1/sows/${sowId}`, { headers: p.carol.bearer })).json();
  assertEquals(sow.drive_document, {
    state: "ok",
    title: "SOW 2027 phase 1",
    web_view_link: `https://docs.google.com/document/d/${SOW_FILE}/edit?usp=drivesdk`,
    mime_type: "application/vnd.google-apps.document",
    modified_at: "2026-11-30T09:15:00.000Z",
    refreshed_at: new Date(clock).toISOString(),
    last_error: null,
  });
  const trashed = await (await app.request(`/api/v1/sows/${trashedSowId}`, { headers: p.alice.bearer })).json();
  assertEquals([trashed.drive_document.state, trashed.drive_document.title], ["trashed", "Old SOW draft"]);
  const gone = await (await app.request(`/api/v1/change-requests/${goneId}`, { headers: p.alice.bearer })).json();
  assertEquals([gone.drive_document.state, gone.drive_document.title], ["missing", null]);

  const panel = await (await app.request(`/projects/${project.id}/documents`, { headers: p.carol.cookie })).text();
  assertStringIncludes(panel, `href="https://docs.google.com/document/d/${SOW_FILE}/edit?usp=drivesdk"`);
  assertStringIncludes(panel, "SOW 2027 phase 1 ↗");
  assertStringIncludes(panel, "last refreshed");
  assertStringIncludes(panel, "In Drive's bin");
  const crPage = await (await app.request(`/change-requests/${crId}`, { headers: p.alice.cookie })).text();
  assertStringIncludes(crPage, "CR-12 single sign-on estimate ↗");
  assertStringIncludes(crPage, `datetime="2026-12-01T14:00:00.000Z"`);
  const gonePage = await (await app.request(`/change-requests/${goneId}`, { headers: p.alice.cookie })).text();
  assertStringIncludes(gonePage, "Missing from Drive");
  // Another client's user and another tenant see neither the SOW nor its file.
  await problem(await app.request(`/api/v1/sows/${sowId}`, { headers: p.erin.bearer }), 404);
  await problem(await app.request(`/api/v1/sows/${sowId}`, { headers: p.dave.bearer }), 404);
});

Deno.test("kept fresh: a rename, a file put in the bin and a file restored show at the next sync", async () => {
  google.files.get(SOW_FILE)!.name = "SOW 2027 phase 1 (signed)";
  google.files.get(SOW_FILE)!.modifiedTime = "2026-12-06T16:45:00.000Z";
  google.files.get(CR_FILE)!.trashed = true;
  google.files.set(GONE_FILE, {
    id: GONE_FILE,
    name: "Estimate, restored",
    mimeType: "application/pdf",
    modifiedTime: "2026-12-05T10:00:00.000Z",
    trashed: false,
  });
  assertEquals(await worker.tick(), { synced: 0, failed: 0 }, "not due before the minute");
  clock += 61_000;
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  const docs = await sql`
    SELECT drive_id, state, title, modified_at, refreshed_at FROM drive_documents WHERE tenant_id = ${tenantId}
    ORDER BY drive_id`;
  const by = Object.fromEntries(docs.map((d) => [d.drive_id, d]));
  assertEquals([by[SOW_FILE].title, by[SOW_FILE].modified_at.toISOString()], [
    "SOW 2027 phase 1 (signed)",
    "2026-12-06T16:45:00.000Z",
  ]);
  assertEquals(by[CR_FILE].state, "trashed");
  assertEquals([by[GONE_FILE].state, by[GONE_FILE].title], ["ok", "Estimate, restored"]);
  assert(docs.every((d) => d.refreshed_at.getTime() === clock), "every file refreshed in this pass");

  // Bad input stores nothing: a drive_id that cannot be a Drive file id.
  const bad = await problem(
    await app.request(`/api/v1/sows/${sowId}`, jsonRequest("PATCH", { drive_id: "../../etc" }, p.alice.bearer)),
    422,
  );
  assertEquals(bad.errors[0].path, "drive_id");
  assertEquals((await sql`SELECT drive_id FROM sows WHERE id = ${sowId}`)[0].drive_id, SOW_FILE);
  // A file no SOW or change request names any more is forgotten at the next pass.
  await app.request(`/api/v1/sows/${trashedSowId}`, jsonRequest("PATCH", { drive_id: null }, p.alice.bearer));
  clock += 61_000;
  await worker.tick();
  assertEquals((await sql`SELECT count(*)::int AS n FROM drive_documents WHERE drive_id = ${TRASHED_FILE}`)[0].n, 0);
});

Deno.test("a one-hour token is refreshed; a token revoked at Google marks it broken; disconnect revokes", async () => {
  clock += 3600_000;
  const calls = google.tokenCalls.length;
  assertEquals(await worker.tick(), { synced: 1, failed: 0 });
  assertEquals(google.tokenCalls.slice(calls), ["refresh_token"]);

  google.revokeEverything();
  clock += 3600_000;
  const reads = google.fileReads.length;
  assertEquals(await worker.tick(), { synced: 0, failed: 1 });
  const i = await (await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.alice.bearer })).json();
  assertEquals(i.status, "broken");
  assertStringIncludes(i.last_error, "invalid_grant");
  assertEquals(google.fileReads.length, reads, "nothing read with a refused token");
  const mail =
    await sql`SELECT recipient FROM mail_outbox WHERE purpose = 'integration_broken' AND reference = ${integrationId}`;
  assertEquals(mail.map((m) => m.recipient), [p.alice.user.email]);
  // The last facts stay on the page.
  const sow = await (await app.request(`/api/v1/sows/${sowId}`, { headers: p.alice.bearer })).json();
  assertEquals(sow.drive_document.title, "SOW 2027 phase 1 (signed)");

  // A 401 from Drive itself (an access token refused before its expiry, so no refresh is tried) takes the same path.
  assertEquals((await app.request(await allowAtGoogle(), { headers: p.alice.cookie })).status, 303);
  clock = Date.now() + 61_000;
  const [tokens] = await sql`SELECT status FROM integrations WHERE id = ${integrationId}`;
  assertEquals(tokens.status, "connected");
  google.revokeEverything();
  assertEquals(await worker.tick(), { synced: 0, failed: 1 });
  const again = await (await app.request(`/api/v1/integrations/${integrationId}`, { headers: p.alice.bearer })).json();
  assertEquals(again.status, "broken");
  assertStringIncludes(again.last_error, "Google refused the token");

  const revoked = google.revoked.length;
  const res = await app.request(`/api/v1/integrations/${integrationId}`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals(res.status, 200);
  assert(google.revoked.length > revoked, "the tokens were sent to Google's revoke endpoint");
});

Deno.test({
  name: "stop the stand-in",
  sanitizeResources: false,
  fn: async () => {
    await google.stop();
  },
});
