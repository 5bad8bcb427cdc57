import { apiKeysUnused } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const UNUSED_KEY_DAYS = 90;

export const apiKeyUnused: QuickWinRule = {
  id: "api_key_unused",
  category: "security",
  impact: "medium",
  effort: "low",
  minutesSaved: 5,
  find: async (sql, tenantId, now) =>
    (await apiKeysUnused(sql, tenantId, now, UNUSED_KEY_DAYS)).map((f) => ({
      subject_type: "api_key",
      subject_id: f.subject_id,
      project_id: null,
      title: `Revoke the unused API key "${f.name}"`,
      description: `"${f.name}" has not been used for ${f.n} days. A key nobody uses is only a risk.`,
      fix_path: "/api-keys",
    })),
};
