/** The audit log page (filters, infinite scroll) and one entry's before/after diff. */
import { Hono } from "hono";
import { diffDetails } from "../../services/audits/diff.ts";
import { auditFilterOptions, getAudit, listAudits, resourceNamesOf } from "../../services/audits/list.ts";
import { AuditQuerySchema } from "../../services/audits/schemas.ts";
import { ValidationError } from "../../services/platform/errors.ts";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import { AuditRows } from "../../views/audits/_rows.tsx";
import type { AuditFilterValues } from "../../views/audits/_filters.tsx";
import { AuditPage } from "../../views/audits/audit_page.tsx";
import { AuditsPage } from "../../views/audits/audits_page.tsx";
import { auditsUrl } from "../../views/audits/format.ts";
import type { AppEnv } from "../deps.ts";
import { fieldErrorsFromZod } from "../problem.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const FILTERS = ["actor_id", "action", "resource_type", "resource_id", "since", "until"] as const;

export function auditRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/audits", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    // An empty form field means "any": drop blanks, then parse with the API's own schema.
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
    const values: AuditFilterValues = Object.fromEntries(FILTERS.map((k) => [k, query[k]]));
    const csvUrl = auditsUrl(values, {}, "/api/v1/audits/export");
    const parsed = AuditQuerySchema.safeParse(query);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsFromZod(parsed.error.issues);
      if (isPartial(c)) throw new ValidationError(fieldErrors);
      const options = await auditFilterOptions(sql, principal);
      const page = { values, errors: toFieldErrors(fieldErrors), options, rows: [], nextUrl: null, csvUrl };
      return html(c, <AuditsPage {...page} />, 422);
    }
    const page = await listAudits(sql, principal, parsed.data);
    const nextUrl = page.next_cursor ? auditsUrl(values, { cursor: page.next_cursor }) : null;
    const names = await resourceNamesOf(sql, principal, page.data);
    if (isPartial(c)) {
      return html(c, <AuditRows rows={page.data} names={names} nextUrl={nextUrl} />, 200, { fragment: true });
    }
    const options = await auditFilterOptions(sql, principal);
    return html(
      c,
      <AuditsPage
        values={values}
        options={options}
        rows={page.data}
        names={names}
        nextUrl={nextUrl}
        csvUrl={csvUrl}
      />,
    );
  });

  app.get("/audits/:id", async (c) => {
    const principal = requireUserPage(c);
    const { audit, chain } = await getAudit(c.get("deps").sql, principal, c.req.param("id"));
    const { before, after, ...extra } = audit.details;
    const diff = before === undefined && after === undefined ? null : diffDetails(before, after);
    return html(c, <AuditPage audit={audit} chain={chain} diff={diff} extra={extra} />);
  });

  return app;
}
