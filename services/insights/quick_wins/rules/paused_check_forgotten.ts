import { forgottenPausedChecks } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const FORGOTTEN_PAUSE_DAYS = 30;

export const pausedCheckForgotten: QuickWinRule = {
  id: "paused_check_forgotten",
  category: "hygiene",
  impact: "medium",
  effort: "low",
  minutesSaved: 15,
  find: async (sql, tenantId, now) =>
    (await forgottenPausedChecks(sql, tenantId, now, FORGOTTEN_PAUSE_DAYS)).map((f) => ({
      subject_type: "health_check",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Resume or delete the paused check "${f.name}"`,
      description: `"${f.name}" has been paused for ${f.n} days: it watches nothing. Resume it or delete it.`,
      fix_path: `/checks/${f.subject_id}`,
    })),
};
