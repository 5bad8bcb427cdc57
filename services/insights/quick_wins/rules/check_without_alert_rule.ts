import { checksWithoutAlertRule } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

/** A check no alert rule watches fails in silence: someone finds out from a customer. */
export const checkWithoutAlertRule: QuickWinRule = {
  id: "check_without_alert_rule",
  category: "alerting",
  impact: "high",
  effort: "low",
  minutesSaved: 60,
  find: async (sql, tenantId) =>
    (await checksWithoutAlertRule(sql, tenantId)).map((f) => ({
      subject_type: "health_check",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Alert when "${f.name}" fails`,
      description: `No enabled alert rule opens an alert when the check "${f.name}" goes down, so nobody is told.`,
      fix_path: `/alert-rules`,
    })),
};
