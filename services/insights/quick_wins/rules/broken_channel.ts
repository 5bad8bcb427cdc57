import { brokenChannels } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

/** A broken channel drops every notification routed to it until someone repairs it. */
export const brokenChannel: QuickWinRule = {
  id: "broken_channel",
  category: "alerting",
  impact: "high",
  effort: "low",
  minutesSaved: 45,
  find: async (sql, tenantId) =>
    (await brokenChannels(sql, tenantId)).map((f) => ({
      subject_type: "notification_channel",
      subject_id: f.subject_id,
      project_id: null,
      title: `Repair the channel "${f.name}"`,
      description: `"${f.name}" failed permanently and receives nothing until it is fixed and tested again.`,
      fix_path: `/notifications/channels/${f.subject_id}`,
    })),
};
