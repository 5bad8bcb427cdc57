/** The user sync page: Clerk's signing secret (set, rotate, remove), the SCIM token (issue, revoke), recent changes. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { ClerkSecretSchema } from "../../services/user_sync/schemas.ts";
import {
  revokeScimToken,
  rotateScimToken,
  setClerkSecret,
  userSyncPageData,
} from "../../services/user_sync/settings.ts";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import { UserSyncPage, type UserSyncPageProps } from "../../views/user_sync/user_sync_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { selfOrigin } from "../middleware/csrf.ts";
import { html, requireUserPage } from "../render.ts";

type Extra = Pick<UserSyncPageProps, "newToken" | "notice" | "errors">;

async function renderPage(c: Context<AppEnv>, principal: Principal, extra: Extra = {}, status = 200) {
  const data = await userSyncPageData(c.get("deps").sql, principal, selfOrigin(c));
  return html(
    c,
    <UserSyncPage
      clerkConfigured={data.clerk_configured}
      clerkWebhookUrl={data.clerk_webhook_url}
      scimConfigured={data.scim_configured}
      scimBaseUrl={data.scim_base_url}
      recent={data.recent}
      {...extra}
    />,
    status,
  );
}

const secretKeys = (c: Context<AppEnv>) => {
  const { secret, config } = c.get("deps");
  return { secret, previousSecrets: config.previousSecrets };
};

export function userSyncPages() {
  const app = new Hono<AppEnv>();
  app.get("/settings/user-sync", (c) => renderPage(c, requireUserPage(c)));

  app.post("/settings/user-sync/clerk", async (c) => {
    const principal = requireUserPage(c);
    const body = await formFields(c);
    try {
      const input = parseForm(ClerkSecretSchema, { signing_secret: (body.signing_secret ?? "").trim() });
      await setClerkSecret(c.get("deps").sql, principal, input.signing_secret, secretKeys(c), auditContext(c));
      return await renderPage(c, principal, { notice: { kind: "ok", text: "Clerk's signing secret is saved." } });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const errors = toFieldErrors(error.errors);
      const text = `The signing secret ${errors.signing_secret ?? "is not valid"}: copy it from Clerk's webhook page.`;
      return await renderPage(c, principal, { errors, notice: { kind: "error", text } }, 422);
    }
  });

  app.post("/settings/user-sync/clerk/remove", async (c) => {
    const principal = requireUserPage(c);
    await setClerkSecret(c.get("deps").sql, principal, null, secretKeys(c), auditContext(c));
    return await renderPage(c, principal, {
      notice: { kind: "ok", text: "Removed: Clerk's webhooks are refused now." },
    });
  });

  app.post("/settings/user-sync/scim-token", async (c) => {
    const principal = requireUserPage(c);
    const token = await rotateScimToken(c.get("deps").sql, principal, auditContext(c));
    // The token is only ever in this answer.
    c.header("Cache-Control", "no-store");
    return await renderPage(c, principal, { newToken: token });
  });

  app.post("/settings/user-sync/scim-token/revoke", async (c) => {
    const principal = requireUserPage(c);
    await revokeScimToken(c.get("deps").sql, principal, auditContext(c));
    return await renderPage(c, principal, { notice: { kind: "ok", text: "Revoked: SCIM calls are refused now." } });
  });
  return app;
}
