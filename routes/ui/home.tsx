/** The overview page and its live status fragment. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { getSystemStatus } from "../../services/system/status.ts";
import { HomePage } from "../../views/home/home_page.tsx";
import { StatusPanel } from "../../views/home/_status_panel.tsx";
import type { AppEnv } from "../deps.ts";
import { html, requireUserPage } from "../render.ts";
import { needsSetup } from "../../services/auth/setup.ts";
import { brokenChannels } from "../../services/notifications/deliveries.ts";

export function homeRoutes() {
  const app = new Hono<AppEnv>();
  const status = (c: Context<AppEnv>, principal: Principal) => {
    const { sql, migrations, database, startedAt, now } = c.get("deps");
    return getSystemStatus(sql, principal, migrations, database, startedAt, now());
  };
  app.get("/", async (c) => {
    if (await needsSetup(c.get("deps").sql)) return c.redirect("/setup", 303);
    const principal = requireUserPage(c);
    const broken = await brokenChannels(c.get("deps").sql, principal);
    return html(c, <HomePage status={await status(c, principal)} brokenChannels={broken} />);
  });
  app.get("/ui/status", async (c) => {
    const principal = requireUserPage(c);
    return html(c, <StatusPanel status={await status(c, principal)} />, 200, { fragment: true });
  });
  return app;
}
