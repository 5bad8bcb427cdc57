/**
 * Every quick-win rule, one line each. A rule is a module in rules/ (labels,
 * wording, fix link) over one query in db/queries/quick_win_rules.ts.
 */
import type { QuickWinRule } from "./rule.ts";
import { checkWithoutAlertRule } from "./rules/check_without_alert_rule.ts";
import { brokenChannel } from "./rules/broken_channel.ts";
import { flappingCheck } from "./rules/flapping_check.ts";
import { certificateExpiring } from "./rules/certificate_expiring.ts";
import { heartbeatWithoutBounds } from "./rules/heartbeat_without_bounds.ts";
import { projectWithoutDeployments } from "./rules/project_without_deployments.ts";
import { ruleOnlyBlips } from "./rules/rule_only_blips.ts";
import { apiKeyUnused } from "./rules/api_key_unused.ts";
import { idleAdmin } from "./rules/idle_admin.ts";
import { pausedCheckForgotten } from "./rules/paused_check_forgotten.ts";
import { sowWithoutSlaTargets } from "./rules/sow_without_sla_targets.ts";

export const QUICK_WIN_RULES: readonly QuickWinRule[] = [
  checkWithoutAlertRule,
  brokenChannel,
  flappingCheck,
  certificateExpiring,
  heartbeatWithoutBounds,
  projectWithoutDeployments,
  ruleOnlyBlips,
  apiKeyUnused,
  idleAdmin,
  pausedCheckForgotten,
  sowWithoutSlaTargets,
];

export const RULES_BY_ID = new Map(QUICK_WIN_RULES.map((r) => [r.id, r]));
