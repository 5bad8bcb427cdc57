import { assertEquals } from "@std/assert";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant } from "../helpers/fixtures.ts";
import { deliveryStates, dispatcherDeps, emit, genChannel, genRule, type Receiver, startReceiver } from "./_outbox.ts";

const db = await createTestDatabase();
const sql = db.sql;

/** Starts the child dispatcher, waits for its line, kills it with SIGKILL mid-delivery. */
async function killChildAt(mode: "before-send" | "after-send"): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./_crash_child.ts", import.meta.url).pathname, db.url, mode],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let out = "";
  const expected = mode === "after-send" ? "SENT" : "CLAIMED";
  while (!out.includes(expected)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the child exited before saying ${expected}: ${out}`);
    out += new TextDecoder().decode(value);
  }
  child.kill("SIGKILL");
  reader.releaseLock();
  await child.stdout.cancel();
  assertEquals((await child.status).signal, "SIGKILL");
}

async function scenario(mode: "before-send" | "after-send", check: (r: Receiver, id: string) => void) {
  const receiver = startReceiver();
  try {
    const tenant = await genTenant(sql);
    const channel = await genChannel(sql, tenant.id, { url: receiver.url });
    await genRule(sql, tenant.id, channel);
    await emit(sql, tenant.id);
    await killChildAt(mode);

    const [claimed] = await deliveryStates(sql, tenant.id);
    assertEquals([claimed.status, claimed.attempts], ["sending", 1], "the claim committed before the send");
    const later = () => new Date(Date.now() + 61_000);
    const next = createDispatcher(dispatcherDeps(sql, () => new Date()));
    assertEquals(await next.tick(), 0, "nobody takes it while the dead process's lease holds");
    assertEquals(await createDispatcher(dispatcherDeps(sql, later)).tick(), 1, "taken again once the lease ran out");

    const [row] = await deliveryStates(sql, tenant.id);
    assertEquals([row.status, row.attempts], ["sent", 2]);
    check(receiver, row.id);
  } finally {
    await receiver.stop();
  }
}

Deno.test("a process killed between claim and send: the next dispatcher sends after the lease", () =>
  scenario("before-send", (receiver, id) => assertEquals(receiver.received.map((r) => r.id), [id])));

Deno.test("a process killed after sending, before recording: sent again with the SAME id (at-least-once)", () =>
  scenario("after-send", (receiver, id) => assertEquals(receiver.received.map((r) => r.id), [id, id])));
