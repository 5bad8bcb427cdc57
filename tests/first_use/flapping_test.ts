/**
 * Flapping as a person and a client see it: the state machine's own outcomes
 * (services/checks/transitions.ts) written as the scheduler writes them, then
 * read back through the API (`flapping`) and the board and check pages
 * ("Flapping", never the "Up" the scheduler holds meanwhile). During a real
 * outage the board never says Up, whatever came before.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { applyOutcome, type CheckState, type ProbeStatus } from "../../services/checks/transitions.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { createCheck, httpCheck } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

/** Feeds outcomes to the state machine and stores each state as the scheduler would; calls `each` after every one. */
async function feed(
  sql: Sql,
  id: string,
  start: CheckState,
  outcomes: ProbeStatus[],
  each: (state: CheckState) => Promise<void> = async () => {},
): Promise<CheckState> {
  let state = start;
  for (const outcome of outcomes) {
    state = applyOutcome(state, outcome, 2).state;
    await sql`UPDATE health_checks SET status = ${state.status}, consecutive_failures = ${state.consecutiveFailures},
      recent_outcomes = ${state.recentOutcomes}, flapping = ${state.flapping} WHERE id = ${id}`;
    await each(state);
  }
  return state;
}

const UP: CheckState = { status: "up", consecutiveFailures: 0, recentOutcomes: "u".repeat(21), flapping: false };
const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? "up" : "down") as ProbeStatus);

Deno.test("a check whose outcomes alternate is flapping: API field, board badge and check page say so", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Wobbly API" }));
  const calm = await app.request(`/api/v1/health-checks/${check.id}`, { headers: p.alice.bearer });
  assertEquals((await calm.json()).flapping, false);

  const state = await feed(sql, check.id, UP, alternating(8));
  assert(state.flapping, "8 changes in 21 outcomes is at least 30 %");
  assertEquals(state.status, "up", "the scheduler holds the status it had");

  const json = await (await app.request(`/api/v1/health-checks/${check.id}`, { headers: p.alice.bearer })).json();
  assertEquals([json.flapping, json.status], [true, "up"]);
  const listed = await (await app.request(`/api/v1/health-checks?project_id=${shop.id}`, { headers: p.alice.bearer }))
    .json();
  assertEquals(listed.data.find((c: { id: string }) => c.id === check.id).flapping, true);

  const board = await (await getPage(app, "/checks", p.bob.cookie)).text();
  assertStringIncludes(board, `id="check-${check.id}" data-status="flapping"`);
  assertStringIncludes(board, 'class="check-status-text check-status-flapping">Flapping<');
  const page = await (await getPage(app, `/checks/${check.id}`, p.bob.cookie)).text();
  assertStringIncludes(page, 'data-status="flapping">Flapping<');
  assertStringIncludes(page, "Flapping: 8 changes between results in the last 21.");
});

Deno.test("during a real outage the board never shows Up: flapping while it wobbles, then Down", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Failing shop" }));
  const flapping = await feed(sql, check.id, UP, alternating(8));
  assert(flapping.flapping);
  const shown: string[] = [];
  await feed(sql, check.id, flapping, Array(21).fill("down"), async () => {
    const board = await (await getPage(app, "/checks", p.bob.cookie)).text();
    shown.push(board.match(new RegExp(`id="check-${check.id}" data-status="(\\w+)"`))![1]);
  });
  assertEquals(shown.filter((s) => s === "up"), [], `shown while every probe failed: ${shown.join(" ")}`);
  assertEquals(shown.at(-1), "down");
  assert(shown.includes("flapping"));
});
