/**
 * The request as the client made it, through trusted proxies
 * (services/net/forwarded.ts): its IP for logs, audits and throttles, and the
 * origin for cookies and absolute links when OPSDECK_BASE_URL is not set.
 */
import type { Context } from "hono";
import { type ClientView, resolveClient, trustedProxies } from "../services/platform/net/forwarded.ts";
import type { AppEnv } from "./deps.ts";

const trustCache = new WeakMap<readonly string[], ReturnType<typeof trustedProxies>>();

function clientView(c: Context<AppEnv>): ClientView | undefined {
  const peer = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr?.hostname;
  if (!peer) return undefined;
  const cidrs = c.get("deps")?.config.trustedProxies ?? [];
  let trusted = trustCache.get(cidrs);
  if (!trusted) trustCache.set(cidrs, trusted = trustedProxies(cidrs));
  return resolveClient(peer, c.req.raw.headers, trusted);
}

/** The client's IP: the socket's peer, or the nearest untrusted hop behind trusted proxies. */
export function clientIp(c: Context<AppEnv>): string | undefined {
  return clientView(c)?.ip;
}

/** This site's origin as the browser sees it: OPSDECK_BASE_URL, else the request's, corrected by trusted proxies. */
export function publicOrigin(c: Context<AppEnv>): string {
  const base = c.get("deps").config.baseUrl;
  if (base) return new URL(base).origin;
  const url = new URL(c.req.url);
  const view = clientView(c);
  return `${view?.proto ?? url.protocol.slice(0, -1)}://${view?.host ?? url.host}`;
}
