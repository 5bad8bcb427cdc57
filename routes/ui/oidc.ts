/**
 * Single sign-on pages: GET /auth/oidc/start sends the browser to the
 * provider, GET /auth/oidc/callback brings it back signed in (or on the login
 * page with the reason it was refused). POST /auth/oidc/link starts the same
 * flow for a signed-in user who wants to link their provider account (a form
 * with the CSRF token, so another site cannot start a link for them).
 * Everything 404s unless OIDC_ISSUER is configured.
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { openSession } from "../../services/auth/sessions.ts";
import {
  createOidcClient,
  FLOW_TTL_MS,
  linkOidcIdentity,
  type OidcClient,
  OidcRefusal,
  openFlow,
  requireFlow,
  resolveOidcUser,
  sealFlow,
} from "../../services/auth/oidc.ts";
import { createKeyring, type SecretPurpose } from "../../services/platform/secrets/crypto.ts";
import { ForbiddenError, NotFoundError } from "../../services/platform/errors.ts";
import { LoginPage } from "../../views/auth/login_page.tsx";
import type { AppEnv } from "../deps.ts";
import { auditContext, isSecure, setSessionCookie } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";
import { safeNext } from "../safe_next.ts";
import { publicOrigin } from "../client.ts";

const SSO_URL = "/auth/oidc/start";

function flowCookieName(c: Context<AppEnv>): string {
  return isSecure(c) ? "__Host-opsdeck_oidc" : "opsdeck_oidc";
}

function redirectUri(c: Context<AppEnv>): string {
  return `${publicOrigin(c)}/auth/oidc/callback`;
}

function keyring(c: Context<AppEnv>, purpose: SecretPurpose) {
  const { secret, config } = c.get("deps");
  return createKeyring({ current: secret, previous: config.previousSecrets }, purpose);
}

export function oidcRoutes() {
  const app = new Hono<AppEnv>();
  // One client per app: it caches the provider's discovery document and keys.
  let client: OidcClient | undefined;
  const oidc = (c: Context<AppEnv>) => {
    const config = c.get("deps").config.oidc;
    if (!config) throw new NotFoundError("Single sign-on is not configured");
    return { config, client: client ??= createOidcClient(config) };
  };

  async function start(c: Context<AppEnv>, next: string, linkUserId?: string) {
    const { client } = oidc(c);
    const { url, flow } = await client.start({
      now: c.get("deps").now(),
      next,
      redirectUri: redirectUri(c),
      linkUserId,
    });
    setCookie(c, flowCookieName(c), await sealFlow(await keyring(c, "oidc_flow_cookie"), flow), {
      path: "/",
      httpOnly: true,
      // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
      sameSite: "Lax",
      secure: isSecure(c),
      maxAge: FLOW_TTL_MS / 1000,
    });
    return c.redirect(url, 303);
  }

  app.get("/auth/oidc/start", (c) => start(c, safeNext(c.req.query("next"))));

  app.post("/auth/oidc/link", async (c) => {
    const principal = requireUserPage(c);
    if (principal.kind !== "user") throw new ForbiddenError("Link single sign-on from the browser");
    const next = (await c.req.parseBody())["next"];
    return start(c, safeNext(typeof next === "string" ? next : "/profile"), principal.userId);
  });

  app.get("/auth/oidc/callback", async (c) => {
    const { config, client } = oidc(c);
    const { sql, now, logger } = c.get("deps");
    const flow = await openFlow(await keyring(c, "oidc_flow_cookie"), getCookie(c, flowCookieName(c)), now());
    // Single use: whatever happens next, this flow is over.
    deleteCookie(c, flowCookieName(c), { path: "/", secure: isSecure(c) });
    try {
      const started = requireFlow(flow);
      const query = c.req.query();
      const signIn = await client.finish({ flow: started, query, redirectUri: redirectUri(c), now: now() });
      const tokenKeys = await keyring(c, "external_identity_tokens");
      if (started.linkUserId) {
        const principal = c.get("principal");
        if (principal?.userId !== started.linkUserId) {
          throw new OidcRefusal(403, "link_user_changed", "Sign in again, then link single sign-on from your profile");
        }
        await linkOidcIdentity(sql, tokenKeys, principal, signIn, auditContext(c));
        return c.redirect(safeNext(started.next), 303);
      }
      const ctx = auditContext(c);
      const user = await resolveOidcUser(sql, config, tokenKeys, signIn, ctx);
      const loginCtx = { ...ctx, actorLabel: user.email };
      const session = await openSession(sql, user.tenantId, user.userId, loginCtx, "session.login", { via: "oidc" });
      logger.info("oidc sign-in", { request_id: c.get("requestId"), user_id: user.userId, outcome: user.outcome });
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect(safeNext(started.next), 303);
    } catch (error) {
      if (!(error instanceof OidcRefusal)) throw error;
      logger.warn("oidc sign-in refused", {
        request_id: c.get("requestId"),
        reason: error.reason,
        ...(error.logDetail ? { detail: error.logDetail } : {}),
      });
      if (flow?.linkUserId) throw error;
      return html(c, LoginPage({ next: flow?.next ?? "/", error: error.message, ssoUrl: SSO_URL }), error.status);
    }
  });

  return app;
}
