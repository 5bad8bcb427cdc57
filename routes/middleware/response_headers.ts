/**
 * Sets a header on the finished answer in place. Hono's `c.header()` after the
 * handler has answered rebuilds the Response and turns its body into a stream,
 * which Deno.serve then sends piecewise (bench/layers_bench.ts measured the
 * cost on /healthz); set in place, the body stays a string.
 */
import type { Context } from "hono";

export function setOnAnswer(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a Response passed through from fetch): let Hono copy it.
    c.header(name, value);
  }
}
