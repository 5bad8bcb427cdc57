import { projectsWithoutDeployments } from "../../../../db/queries/quick_win_rules.ts";
import type { QuickWinRule } from "../rule.ts";

export const projectWithoutDeployments: QuickWinRule = {
  id: "project_without_deployments",
  category: "delivery",
  impact: "medium",
  effort: "medium",
  minutesSaved: 30,
  find: async (sql, tenantId) =>
    (await projectsWithoutDeployments(sql, tenantId)).map((f) => ({
      subject_type: "project",
      subject_id: f.subject_id,
      project_id: f.project_id,
      title: `Record the deployments of "${f.name}"`,
      description: `No deployment of "${f.name}" was ever recorded: its delivery metrics and the checks ` +
        `around each release stay empty. Report deployments from CI or connect GitHub.`,
      fix_path: `/projects/${f.subject_id}`,
    })),
};
