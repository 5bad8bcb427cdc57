import { sowsWithoutSlaTargets } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const sowWithoutSlaTargets: QuickWinRule = {
  id: "sow_without_sla_targets",
  category: "delivery",
  impact: "medium",
  effort: "low",
  minutesSaved: 60,
  find: async (sql, tenantId) =>
    (await sowsWithoutSlaTargets(sql, tenantId)).map((f) => ({
      subject_type: "sow",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Set SLA targets for "${f.name}"`,
      description: `The SOW "${f.name}" is signed but carries no SLA target, so its client gets no monthly SLA ` +
        `statement and nobody sees a breach coming. Add targets (uptime, response time, change requests) with ` +
        `POST /api/v1/sla-targets.`,
      fix_path: null,
    })),
};
