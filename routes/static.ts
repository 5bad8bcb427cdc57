/**
 * Our own files from `static/`, and the browser packages we depend on straight
 * out of node_modules (no CDN): htmx, Pico CSS, Swagger UI.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { fileURLToPath } from "node:url";
import type { AppEnv } from "./deps.ts";

const ROOT = new URL("../", import.meta.url);

/** Public name → file in an npm package. */
const VENDOR: Record<string, string> = {
  "htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
  "pico.min.css": "node_modules/@picocss/pico/css/pico.min.css",
  "swagger-ui/swagger-ui-bundle.js": "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui/swagger-ui.css": "node_modules/swagger-ui-dist/swagger-ui.css",
  "gridstack/gridstack-all.js": "node_modules/gridstack/dist/gridstack-all.js",
  "gridstack/gridstack.min.css": "node_modules/gridstack/dist/gridstack.min.css",
};

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

export function staticRoutes() {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, Uint8Array>();

  app.get("/static/vendor/*", async (c) => {
    const name = c.req.path.slice("/static/vendor/".length);
    const file = VENDOR[name];
    if (!file) return c.notFound();
    let body = cache.get(name);
    if (!body) cache.set(name, body = await Deno.readFile(new URL(file, ROOT)));
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": TYPES[name.split(".").pop()!] ?? "application/octet-stream",
      "Cache-Control": "public, max-age=86400",
    });
  });

  app.use(
    "/static/*",
    serveStatic({
      root: fileURLToPath(ROOT),
      onFound: (_path, c) => {
        c.header("Cache-Control", "public, max-age=300");
      },
    }),
  );
  return app;
}
