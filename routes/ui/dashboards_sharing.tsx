/** Dashboard pages for sharing, the public link, and versions (publish, restore). */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { getDashboard } from "../../services/dashboards/dashboards.ts";
import { GrantsSchema } from "../../services/dashboards/schemas.ts";
import { createPublicLink, listGrants, revokePublicLink, setGrants } from "../../services/dashboards/sharing.ts";
import { publishVersion, restoreVersion, versionHistory } from "../../services/dashboards/versions.ts";
import { NotFoundError } from "../../services/platform/errors.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { SharePage, type SharePageProps } from "../../views/dashboards/share_page.tsx";
import { VersionsPage } from "../../views/dashboards/versions_page.tsx";
import { publicOrigin } from "../client.ts";
import { publicViewsOf } from "../dashboards_public.ts";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

async function renderShare(
  c: Context<AppEnv>,
  p: Principal,
  id: string,
  extra: Partial<SharePageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const grants = await listGrants(sql, p, id);
  const { dashboard } = await getDashboard(sql, p, id);
  return html(
    c,
    <SharePage dashboardId={id} name={dashboard.name} grants={grants} isPublic={dashboard.is_public} {...extra} />,
    status,
  );
}

function versionParam(c: Context<AppEnv>): number {
  const n = Number(c.req.param("version"));
  if (!Number.isInteger(n) || n < 1) throw new NotFoundError("No such version");
  return n;
}

export function dashboardSubPages() {
  const app = new Hono<AppEnv>();
  app.get("/dashboards/:id/share", (c) => renderShare(c, requireUserPage(c), idParam(c, "No such dashboard")));
  app.post("/dashboards/:id/share", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const form = await formBody(c);
    const who = texts(form.who);
    const levels = texts(form.level);
    const grants = who.map((w, i) => ({ w: w.trim(), level: levels[i] ?? "view" })).filter((g) => g.w).map((g) =>
      g.w.includes("@") ? { user_email: g.w, level: g.level } : { role: g.w, level: g.level }
    );
    try {
      await setGrants(c.get("deps").sql, p, id, parseForm(GrantsSchema, { grants }), auditContext(c));
      return c.redirect(`/dashboards/${id}/share`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return await renderShare(c, p, id, formErrors(error), 422);
    }
  });
  app.post("/dashboards/:id/public-link", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    const editable = texts((await formBody(c)).editable).filter((e) => e === "range" || e === "environment");
    const { token } = await createPublicLink(c.get("deps").sql, p, id, editable, auditContext(c));
    publicViewsOf(c).forget();
    return await renderShare(c, p, id, { publicUrl: `${publicOrigin(c)}/d/${token}` });
  });
  app.post("/dashboards/:id/public-link/revoke", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    await revokePublicLink(c.get("deps").sql, p, id, auditContext(c));
    publicViewsOf(c).forget();
    return c.redirect(`/dashboards/${id}/share`, 303);
  });

  app.get("/dashboards/:id/versions", async (c) => {
    const p = requireUserPage(c);
    const { sql } = c.get("deps");
    const [{ dashboard, versions, changes }, profile] = await Promise.all([
      versionHistory(sql, p, idParam(c, "No such dashboard")),
      loadProfile(sql, p),
    ]);
    return html(
      c,
      <VersionsPage
        dashboardId={dashboard.id}
        name={dashboard.name}
        versions={versions}
        changes={changes}
        published={dashboard.published_version}
        canEdit={dashboard.level !== "view"}
        timeZone={profile.timezone}
      />,
    );
  });
  app.post("/dashboards/:id/versions/:version/publish", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    await publishVersion(c.get("deps").sql, p, id, versionParam(c), auditContext(c));
    return c.redirect(`/dashboards/${id}/versions`, 303);
  });
  app.post("/dashboards/:id/versions/:version/restore", async (c) => {
    const p = requireUserPage(c);
    const id = idParam(c, "No such dashboard");
    await restoreVersion(c.get("deps").sql, p, id, versionParam(c), auditContext(c));
    return c.redirect(`/dashboards/${id}`, 303);
  });
  return app;
}
