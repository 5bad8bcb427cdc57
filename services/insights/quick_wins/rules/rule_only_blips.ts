import { rulesThatOnlyBlip } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

/** At least this many alerts in 30 days, all gone within 5 minutes untouched: the rule pages for nothing. */
export const BLIP_MINIMUM = 3;

export const ruleOnlyBlips: QuickWinRule = {
  id: "rule_only_blips",
  category: "alerting",
  impact: "medium",
  effort: "low",
  minutesSaved: 40,
  find: async (sql, tenantId, now) =>
    (await rulesThatOnlyBlip(sql, tenantId, now, BLIP_MINIMUM)).map((f) => ({
      subject_type: "alert_rule",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Quiet the rule "${f.name}"`,
      description: `All ${f.n} alerts of "${f.name}" in the last 30 days resolved by themselves within ` +
        `5 minutes. Give it a "for" duration so blips do not page anyone.`,
      fix_path: `/alert-rules/${f.subject_id}`,
    })),
};
