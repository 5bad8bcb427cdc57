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
import { overviewFor } from "../../services/home/now.ts";
import { NowPanel } from "../../views/home/_now_panel.tsx";

export function homeRoutes() {
  const app = new Hono<AppEnv>();
  const status = (c: Context<AppEnv>, principal: Principal) => {
    const { sql, migrations, database, startedAt, now } = c.get("deps");
    return getSystemStatus(sql, principal, migrations, database, startedAt, now());
  };
  app.get("/", async (c) => {
    if (await needsSetup(c.get("deps").sql)) return c.redirect("/setup", 303);
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const broken = await brokenChannels(sql, principal);
    const overview = await overviewFor(sql, principal, now());
    return html(c, <HomePage status={await status(c, principal)} brokenChannels={broken} now={overview} />);
  });
  app.get("/ui/now", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    return html(c, <NowPanel now={await overviewFor(sql, principal, now())} />, 200, { fragment: true });
  });
  app.get("/ui/status", async (c) => {
    const principal = requireUserPage(c);
    return html(c, <StatusPanel status={await status(c, principal)} />, 200, { fragment: true });
  });
  return app;
}
