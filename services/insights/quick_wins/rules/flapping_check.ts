import { flappingChecks } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

/** Down more than this many times in 7 days is flapping, not an outage. */
export const FLAPS_PER_WEEK = 3;

export const flappingCheck: QuickWinRule = {
  id: "flapping_check",
  category: "reliability",
  impact: "medium",
  effort: "low",
  minutesSaved: 30,
  find: async (sql, tenantId, now) =>
    (await flappingChecks(sql, tenantId, now, FLAPS_PER_WEEK)).map((f) => ({
      subject_type: "health_check",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Steady the flapping check "${f.name}"`,
      description: `"${f.name}" went down ${f.n} times in the last 7 days. Raise its confirmations or timeout, ` +
        `or fix what makes it flap.`,
      fix_path: `/checks/${f.subject_id}/edit`,
    })),
};
