import { certificatesExpiring } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const CERTIFICATE_DAYS = 21;

export const certificateExpiring: QuickWinRule = {
  id: "certificate_expiring",
  category: "reliability",
  impact: "high",
  effort: "medium",
  minutesSaved: 120,
  find: async (sql, tenantId, now) =>
    (await certificatesExpiring(sql, tenantId, now, CERTIFICATE_DAYS)).map((f) => ({
      subject_type: "health_check",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Renew the certificate behind "${f.name}"`,
      description: `The TLS certificate seen by "${f.name}" expires in ${f.n} days.`,
      fix_path: `/checks/${f.subject_id}`,
    })),
};
