/**
 * The baseline: Hono's hello-world on Deno.serve, with none of Opsdeck's
 * middleware, so a ratio against it isolates what Opsdeck adds per request.
 * Prints its port (chosen by the OS) as its only output.
 */
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
console.log(server.addr.port);
