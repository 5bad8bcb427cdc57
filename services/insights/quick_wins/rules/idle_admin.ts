import { idleAdmins } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const IDLE_ADMIN_DAYS = 90;

export const idleAdmin: QuickWinRule = {
  id: "idle_admin",
  category: "security",
  impact: "high",
  effort: "low",
  minutesSaved: 5,
  find: async (sql, tenantId, now) =>
    (await idleAdmins(sql, tenantId, now, IDLE_ADMIN_DAYS)).map((f) => ({
      subject_type: "user",
      subject_id: f.subject_id,
      project_id: null,
      title: `Review ${f.name}'s admin access`,
      description: `${f.name} is an admin and has not signed in for ${f.n} days. Lower the role or deactivate ` +
        `the account.`,
      fix_path: "/users",
    })),
};
