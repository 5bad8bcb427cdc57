import { heartbeatsWithoutBounds } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

/** A job that runs far too long or finishes suspiciously fast still pings; bounds catch both. */
export const heartbeatWithoutBounds: QuickWinRule = {
  id: "heartbeat_without_bounds",
  category: "reliability",
  impact: "medium",
  effort: "low",
  minutesSaved: 20,
  find: async (sql, tenantId) =>
    (await heartbeatsWithoutBounds(sql, tenantId)).map((f) => ({
      subject_type: "health_check",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Give the heartbeat "${f.name}" duration bounds`,
      description: `"${f.name}" has no minimum or maximum duration, so a job that hangs or skips its work ` +
        `still looks healthy.`,
      fix_path: `/checks/${f.subject_id}/edit`,
    })),
};
