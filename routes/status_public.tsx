/**
 * Public status pages, without login: /status/{slug}[/…] on any host, and
 * the same paths at the root of a page's custom domain (Host mapping; TLS
 * stays at the proxy). Mounted in createApp before authentication, so a view
 * never looks up a session: a cached view costs no database query at all.
 * Unknown slug, unknown Host and unpublished page are the same 404, and a
 * custom domain serves its own page only (never the app, never another page).
 */
import type { Context, MiddlewareHandler } from "hono";
import { loadSnapshot, type PublicSnapshot } from "../services/status_pages/snapshot.ts";
import { atomOf, badgeSvg, rssOf, summaryJson } from "../services/status_pages/public_formats.ts";
import { createPublicPageCaches, type PublicPageCaches } from "../services/status_pages/public_cache.ts";
import { customDomains } from "../db/queries/status_pages.ts";
import { RateLimiter } from "../services/platform/rate_limit.ts";
import { renderPage } from "../views/render.tsx";
import { SubscriptionPage } from "../views/status_pages/subscription_page.tsx";
import { confirmSubscription, subscribeEmail, unsubscribe } from "../services/status_pages/subscriptions.ts";
import { AppError } from "../services/platform/errors.ts";
import { PublicStatusPage } from "../views/status_pages/public_page.tsx";
import { clientIp, publicOrigin } from "./client.ts";
import type { AppDeps, AppEnv } from "./deps.ts";

/** Seconds a rendered view may be served from memory (and by shared caches in front of us). */
export const PUBLIC_TTL_SECONDS = 30;
const SLUG = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * A snapshot with each format rendered, UTF-8 encoded and gzipped at most once per cache entry: the page of 50
 * components is ~300 KB of markup, and gzipping it per view (what the app-wide compress middleware would do) costs
 * far more than serving it.
 */
class Rendered {
  #memo = new Map<string, Uint8Array<ArrayBuffer>>();
  #gzip = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  constructor(readonly snapshot: PublicSnapshot) {}
  get(format: string, render: () => string): Uint8Array<ArrayBuffer> {
    let v = this.#memo.get(format);
    if (v === undefined) this.#memo.set(format, v = new TextEncoder().encode(render()));
    return v;
  }
  gzipped(format: string, render: () => string): Promise<Uint8Array<ArrayBuffer>> {
    let v = this.#gzip.get(format);
    if (v === undefined) {
      const body = new Blob([this.get(format, render)]).stream().pipeThrough(new CompressionStream("gzip"));
      this.#gzip.set(format, v = new Response(body).arrayBuffer().then((b) => new Uint8Array(b)));
    }
    return v;
  }
}

const NOT_FOUND_HEADERS = { "Content-Type": "text/plain; charset=utf-8", "X-Robots-Tag": "noindex" };

export function publicStatusPages(deps: AppDeps): MiddlewareHandler<AppEnv> {
  // this route is the caches' only reader and writer, so what they hold is a Rendered
  const { pages, domains } = (deps.publicPages ??
    createPublicPageCaches({ ttlMs: PUBLIC_TTL_SECONDS * 1000 })) as PublicPageCaches<Rendered>;
  const perIp = new RateLimiter({ name: "ip", limit: deps.config.apiRateLimitIp, windowSeconds: 60 });
  // subscription bombing: few requests per visitor address, and few per e-mail address (double opt-in does the rest)
  const subscribeIp = new RateLimiter({ name: "ip", limit: 10, windowSeconds: 600 });
  const subscribeAddress = new RateLimiter({ name: "address", limit: 3, windowSeconds: 3600 });
  const baseHost = deps.config.baseUrl ? new URL(deps.config.baseUrl).host.toLowerCase() : null;

  const snapshotOf = (slug: string) =>
    pages.get(slug, async () => {
      const s = await loadSnapshot(deps.sql, slug, deps.now());
      return s ? new Rendered(s) : null;
    });

  async function domainSlug(host: string): Promise<string | undefined> {
    const map = await domains.get("all", async () => {
      const rows = await customDomains(deps.sql);
      return new Map(rows.map((r) => [r.custom_domain, r.slug]));
    });
    return map?.get(host);
  }

  async function serve(
    c: Context<AppEnv>,
    slug: string,
    rest: string,
    base: string,
    origin: string,
  ): Promise<Response> {
    if (perIp.policy.limit > 0) {
      const ip = clientIp(c);
      const d = ip ? perIp.take(ip, deps.now().getTime()) : null;
      if (d && !d.allowed) {
        return c.text("Too many requests", 429, { "Retry-After": String(d.resetSeconds), "X-Robots-Tag": "noindex" });
      }
    }
    if (rest === "/subscribe" || rest === "/confirm" || rest === "/unsubscribe") {
      return await subscription(c, slug, rest, `${origin}${base}`);
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return c.text("Not found", 404, NOT_FOUND_HEADERS);
    const entry = SLUG.test(slug) ? await snapshotOf(slug) : null;
    if (!entry) return c.text("Not found", 404, NOT_FOUND_HEADERS);
    const s = entry.snapshot;
    const pageUrl = `${origin}${base}`;
    const headers = {
      "Cache-Control": `public, max-age=${PUBLIC_TTL_SECONDS}`,
      // client pages are for the client, not for search engines (docs/status-pages.md)
      "X-Robots-Tag": "noindex",
      "Access-Control-Allow-Origin": "*",
    };
    const send = async (key: string, contentType: string, render: () => string) => {
      const type = { ...headers, "Content-Type": contentType, Vary: "Accept-Encoding" };
      if (/\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "")) {
        return c.body(await entry.gzipped(key, render), 200, { ...type, "Content-Encoding": "gzip" });
      }
      return c.body(entry.get(key, render), 200, type);
    };
    if (rest === "" || rest === "/") {
      return await send(
        `html:${base}`,
        "text/html; charset=utf-8",
        () => renderPage(<PublicStatusPage s={s} base={base} />),
      );
    }
    if (rest === "/api/v2/summary.json" || rest === "/summary.json") {
      // `<` as \u003c: the same JSON, and no markup even for a client that sniffs it as HTML
      return await send(
        `json:${pageUrl}`,
        "application/json",
        () => JSON.stringify(summaryJson(s, pageUrl)).replaceAll("<", "\\u003c"),
      );
    }
    if (rest === "/feed.rss") {
      const body = entry.get(`rss:${pageUrl}`, () => rssOf(s, pageUrl));
      return c.body(body, 200, { ...headers, "Content-Type": "application/rss+xml; charset=utf-8" });
    }
    if (rest === "/feed.atom") {
      const body = entry.get(`atom:${pageUrl}`, () => atomOf(s, pageUrl));
      return c.body(body, 200, { ...headers, "Content-Type": "application/atom+xml; charset=utf-8" });
    }
    const badge = /^\/badge\/([0-9a-f-]{36})\.svg$/.exec(rest);
    if (badge) {
      const svg = entry.get(`badge:${badge[1]}`, () => badgeSvg(s, badge[1]) ?? "");
      if (!svg.length) return c.text("Not found", 404, NOT_FOUND_HEADERS);
      return c.body(svg, 200, { ...headers, "Content-Type": "image/svg+xml" });
    }
    return c.text("Not found", 404, NOT_FOUND_HEADERS);
  }

  const notice = (c: Context<AppEnv>, status: number, props: Parameters<typeof SubscriptionPage>[0]) =>
    c.html(renderPage(<SubscriptionPage {...props} />), status as 200, {
      "X-Robots-Tag": "noindex",
      "Cache-Control": "no-store",
    });

  async function subscription(c: Context<AppEnv>, slug: string, rest: string, pageUrl: string): Promise<Response> {
    const r = { secret: deps.secret, now: deps.now(), ip: clientIp(c) ?? null, pageUrl };
    const token = c.req.query("token");
    const tokenQuery = `?token=${encodeURIComponent(token ?? "")}`;
    try {
      if (rest === "/subscribe" && c.req.method === "POST") {
        const body = await c.req.parseBody();
        const email = String(body.email ?? "").trim().toLowerCase();
        if (!/^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[a-z]{2,}$/i.test(email) || email.length > 254) {
          return notice(c, 422, { title: "Subscribe", message: "That does not look like an e-mail address." });
        }
        const now = r.now.getTime();
        const byIp = r.ip ? subscribeIp.take(r.ip, now) : null;
        const byAddress = subscribeAddress.take(email, now);
        if ((byIp && !byIp.allowed) || !byAddress.allowed) {
          const wait = Math.max(
            byIp?.allowed === false ? byIp.resetSeconds : 0,
            byAddress.allowed ? 0 : byAddress.resetSeconds,
          );
          const res = notice(c, 429, {
            title: "Subscribe",
            message: "Too many subscription requests; try again later.",
          });
          res.headers.set("Retry-After", String(wait));
          return res;
        }
        await subscribeEmail(deps.sql, slug, email, r);
        return notice(c, 202, {
          title: "Check your inbox",
          message:
            "If the address can receive mail, a confirmation link is on its way. Nothing is sent until you confirm.",
        });
      }
      if (rest === "/confirm") {
        if (c.req.method !== "POST") {
          return notice(c, 200, {
            title: "Confirm your subscription",
            message: "Confirm that you want e-mail updates from this status page.",
            action: `${new URL(pageUrl).pathname.replace(/\/$/, "")}/confirm${tokenQuery}`,
            button: "Confirm",
          });
        }
        await confirmSubscription(deps.sql, token, r);
        return notice(c, 200, { title: "Subscribed", message: "You will get an e-mail when an incident is posted." });
      }
      if (rest === "/unsubscribe") {
        if (c.req.method !== "POST") {
          return notice(c, 200, {
            title: "Unsubscribe",
            message: "Stop e-mail updates from this status page?",
            action: `${new URL(pageUrl).pathname.replace(/\/$/, "")}/unsubscribe${tokenQuery}`,
            button: "Unsubscribe",
          });
        }
        // RFC 8058 one-click: the mail client POSTs List-Unsubscribe=One-Click to the same address
        await unsubscribe(deps.sql, token, r);
        return notice(c, 200, { title: "Unsubscribed", message: "You will get no more e-mail from this status page." });
      }
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        return notice(c, error.status, { title: "Not possible", message: error.message });
      }
      throw error;
    }
    return c.text("Not found", 404, NOT_FOUND_HEADERS);
  }

  return async (c, next) => {
    const path = c.req.path;
    const m = /^\/status\/([^/]+)(\/.*)?$/.exec(path);
    if (m) return await serve(c, m[1], m[2] ?? "", `/status/${m[1]}`, publicOrigin(c));
    // the proxy passes the visitor's Host on (docs/status-pages.md)
    const host = c.req.header("Host")?.toLowerCase().replace(/:\d+$/, "");
    if (!host || host === baseHost || path.startsWith("/static/")) return next();
    const slug = await domainSlug(host);
    if (!slug) return next();
    return await serve(c, slug, path === "/" ? "" : path, "", `https://${host}`);
  };
}
