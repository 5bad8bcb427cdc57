/**
 * The request as the client made it, through trusted proxies
 * (services/net/forwarded.ts): its IP for logs, audits and throttles, and the
 * origin for cookies and absolute links when OPSDECK_BASE_URL is not set.
 */
import type { Context } from "hono";
import { type ClientView, resolveClient, trustedProxies } from "../services/platform/net/forwarded.ts";
import type { AppEnv } from "./deps.ts";

const trustCache = new WeakMap<readonly string[], ReturnType<typeof trustedProxies>>();
/** Per request: the access log, the rate limit, sign-in and the security headers all ask. */
const views = new WeakMap<Request, ClientView | undefined>();

function clientView(c: Context<AppEnv>): ClientView | undefined {
  if (views.has(c.req.raw)) return views.get(c.req.raw);
  const peer = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr?.hostname;
  if (!peer) return undefined;
  const cidrs = c.get("deps")?.config.trustedProxies ?? [];
  let trusted = trustCache.get(cidrs);
  if (!trusted) trustCache.set(cidrs, trusted = trustedProxies(cidrs));
  const view = resolveClient(peer, c.req.raw.headers, trusted);
  views.set(c.req.raw, view);
  return view;
}

/** The client's IP: the socket's peer, or the nearest untrusted hop behind trusted proxies. */
export function clientIp(c: Context<AppEnv>): string | undefined {
  return clientView(c)?.ip;
}

/** This site's origin as the browser sees it: OPSDECK_BASE_URL, else the request's, corrected by trusted proxies. */
export function publicOrigin(c: Context<AppEnv>): string {
  const base = c.get("deps").config.baseUrl;
  if (base) return new URL(base).origin;
  const view = clientView(c);
  if (view?.proto && view.host) return `${view.proto}://${view.host}`;
  // Deno.serve hands over absolute URLs: the scheme and host are read off it, no URL parsing per request.
  const url = c.req.url;
  const hostStart = url.indexOf("://") + 3;
  const hostEnd = url.indexOf("/", hostStart);
  const host = url.slice(hostStart, hostEnd < 0 ? undefined : hostEnd);
  return `${view?.proto ?? url.slice(0, hostStart - 3)}://${view?.host ?? host}`;
}
