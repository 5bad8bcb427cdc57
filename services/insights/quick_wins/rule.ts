/** What a quick-win rule is: its labels, its documented time saved, and the subjects its condition holds for. */
import type { Sql } from "../../../db/client.ts";

export type Level = "low" | "medium" | "high";
export type Category = "reliability" | "alerting" | "delivery" | "security" | "hygiene";

export interface QuickWin {
  subject_type: string;
  subject_id: string;
  project_id: string | null;
  title: string;
  description: string;
  fix_path: string | null;
}

export interface QuickWinRule {
  id: string;
  category: Category;
  impact: Level;
  effort: Level;
  /** Minutes a month the fix saves (the assumption stated in docs/insights.md). */
  minutesSaved: number;
  find(sql: Sql, tenantId: string, now: Date): Promise<QuickWin[]>;
}
