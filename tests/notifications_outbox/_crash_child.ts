/**
 * Run by crash_test.ts as a separate process: claims due deliveries like a
 * dispatcher, then stops dead (the parent sends SIGKILL) either before the
 * send or after it but before the outcome is recorded.
 * Usage: deno run -A _crash_child.ts <database url> before-send|after-send
 */
import { createPool } from "../../db/client.ts";
import { createDispatcher } from "../../services/notifications/dispatcher.ts";
import { dispatcherDeps, postSend } from "./_outbox.ts";

const [url, mode] = Deno.args;
const sql = createPool(url, { max: 2 });
const say = (line: string) => Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
const dispatcher = createDispatcher(dispatcherDeps(sql, () => new Date(), {
  instanceId: "doomed-process",
  leaseMs: 60_000,
  send: async (channel, delivery, deps) => {
    if (mode === "after-send") await postSend(channel, delivery, deps);
    say(mode === "after-send" ? "SENT" : "CLAIMED");
    return await new Promise(() => {});
  },
}));
await dispatcher.tick();
