/**
 * gzip when the client accepts it (the 2,000-check board is 2.6 MB of HTML
 * uncompressed). Hono's compress runs only then: on every other answer it
 * would still rebuild the finished Response to add `Vary`, turning its body
 * into a stream Deno.serve can no longer send in one write (bench/layers_bench.ts:
 * about a third of bare Hono's speed on /healthz). Here `Vary` is set in place.
 * Deno's CompressionStream has no brotli; gzip gets most of the gain on
 * repetitive markup.
 */
import type { MiddlewareHandler } from "hono";
import { compress, COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/compress";
import { setOnAnswer } from "./response_headers.ts";

const GZIP = /gzip/i;
const VARIES = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

export function gzipWhenAccepted(): MiddlewareHandler {
  const gzip = compress({ encoding: "gzip" });
  return async (c, next) => {
    if (GZIP.test(c.req.header("Accept-Encoding") ?? "")) return await gzip(c, next);
    await next();
    // Not compressed for this client, but a cache must know another client may get it compressed.
    const headers = c.res.headers;
    const type = headers.get("Content-Type");
    if (!type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)) return;
    const vary = headers.get("Vary");
    if (vary === "*" || (vary && VARIES.test(vary))) return;
    setOnAnswer(c, "Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  };
}
