/** What an Opsdeck record is at a provider (an alert's Linear issue), and alert rules that file issues themselves. */
import type { Sql } from "../client.ts";

export interface IntegrationLinkRow {
  id: string;
  tenant_id: string;
  integration_id: string;
  platform: string;
  resource_type: "alert";
  resource_id: string;
  external_id: string;
  external_key: string | null;
  external_url: string;
  state: string | null;
  wanted: "done" | null;
  created_at: Date;
}

const LINK = `l.id, l.tenant_id, l.integration_id, i.platform, l.resource_type, l.resource_id, l.external_id,
  l.external_key, l.external_url, l.state, l.wanted, l.created_at`;

export async function linksOf(sql: Sql, tenantId: string, resourceType: "alert", resourceId: string) {
  return await sql<IntegrationLinkRow[]>`
    SELECT ${sql.unsafe(LINK)} FROM integration_links l JOIN integrations i ON i.id = l.integration_id
    WHERE l.tenant_id = ${tenantId} AND l.resource_type = ${resourceType} AND l.resource_id = ${resourceId}
    ORDER BY l.created_at`;
}

export async function insertLink(
  sql: Sql,
  l: Omit<IntegrationLinkRow, "id" | "platform" | "created_at" | "wanted">,
): Promise<IntegrationLinkRow | undefined> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO integration_links (tenant_id, integration_id, resource_type, resource_id, external_id, external_key,
      external_url, state)
    VALUES (${l.tenant_id}, ${l.integration_id}, ${l.resource_type}, ${l.resource_id}, ${l.external_id},
      ${l.external_key}, ${l.external_url}, ${l.state})
    ON CONFLICT (tenant_id, resource_type, resource_id, integration_id) DO NOTHING
    RETURNING id`;
  if (!row) return undefined;
  return (await linksOf(sql, l.tenant_id, l.resource_type, l.resource_id)).find((x) => x.id === row.id);
}

/** Owner connection: a provider's webhook names its record; the integration says whose. */
export async function linkByExternalId(sql: Sql, integrationId: string, externalId: string) {
  const [row] = await sql<IntegrationLinkRow[]>`
    SELECT ${sql.unsafe(LINK)} FROM integration_links l JOIN integrations i ON i.id = l.integration_id
    WHERE l.integration_id = ${integrationId} AND l.external_id = ${externalId}`;
  return row;
}

export async function setLinkState(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { state: string | null; wanted: "done" | null },
): Promise<void> {
  await sql`UPDATE integration_links SET state = ${o.state}, wanted = ${o.wanted} WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Links whose alert is resolved while the issue is not done yet: the worker closes them (close_on_resolve). */
export async function markResolvedAlertLinks(sql: Sql, tenantId: string, integrationId: string): Promise<number> {
  const rows = await sql`
    UPDATE integration_links l SET wanted = 'done'
    FROM alerts a
    WHERE l.tenant_id = ${tenantId} AND l.integration_id = ${integrationId} AND l.resource_type = 'alert'
      AND a.tenant_id = l.tenant_id AND a.id = l.resource_id AND a.status = 'resolved'
      AND l.wanted IS NULL AND l.state IS DISTINCT FROM 'completed' AND l.state IS DISTINCT FROM 'canceled'
    RETURNING l.id`;
  return rows.length;
}

export async function wantedLinks(sql: Sql, tenantId: string, integrationId: string, limit = 50) {
  return await sql<IntegrationLinkRow[]>`
    SELECT ${sql.unsafe(LINK)} FROM integration_links l JOIN integrations i ON i.id = l.integration_id
    WHERE l.tenant_id = ${tenantId} AND l.integration_id = ${integrationId} AND l.wanted IS NOT NULL
    ORDER BY l.id LIMIT ${limit}`;
}

/** Open alerts of the rules set to file issues, with no issue yet from this integration. */
export async function alertsWantingIssues(sql: Sql, tenantId: string, integrationId: string, limit = 20) {
  return await sql<{ id: string }[]>`
    SELECT a.id FROM integration_alert_rules r
    JOIN alerts a ON a.tenant_id = r.tenant_id AND a.rule_id = r.rule_id AND a.status <> 'resolved'
    WHERE r.tenant_id = ${tenantId} AND r.integration_id = ${integrationId}
      AND NOT EXISTS (SELECT 1 FROM integration_links l
        WHERE l.tenant_id = a.tenant_id AND l.resource_type = 'alert' AND l.resource_id = a.id
          AND l.integration_id = r.integration_id)
    ORDER BY a.triggered_at LIMIT ${limit}`;
}

export async function autoRules(sql: Sql, tenantId: string, integrationId: string): Promise<string[]> {
  const rows = await sql<{ rule_id: string }[]>`
    SELECT rule_id FROM integration_alert_rules WHERE tenant_id = ${tenantId} AND integration_id = ${integrationId}
    ORDER BY rule_id`;
  return rows.map((r) => r.rule_id);
}

export async function setAutoRule(sql: Sql, tenantId: string, integrationId: string, ruleId: string, on: boolean) {
  if (on) {
    await sql`INSERT INTO integration_alert_rules (tenant_id, integration_id, rule_id)
      VALUES (${tenantId}, ${integrationId}, ${ruleId}) ON CONFLICT DO NOTHING`;
  } else {
    await sql`DELETE FROM integration_alert_rules
      WHERE tenant_id = ${tenantId} AND integration_id = ${integrationId} AND rule_id = ${ruleId}`;
  }
}

/**
 * Re-linking (docs/integrations.md): an issue still open at the provider whose alert is resolved follows its rule
 * and subject's open alert, if that alert has no issue from this integration yet. Narrowed by `alertId` (a new
 * alert about to file one) or by `linkId` (an issue just reopened); moves at most one link and says which.
 */
export async function relinkOpenIssue(
  sql: Sql,
  tenantId: string,
  integrationId: string,
  by: { alertId: string } | { linkId: string },
): Promise<{ id: string; from_alert: string; to_alert: string; external_key: string | null } | undefined> {
  const [found] = await sql<{ id: string; from_alert: string; to_alert: string; external_key: string | null }[]>`
    SELECT l.id, l.resource_id AS from_alert, cur.id AS to_alert, l.external_key
    FROM integration_links l
    JOIN alerts old ON old.tenant_id = l.tenant_id AND old.id = l.resource_id AND old.status = 'resolved'
    JOIN alerts cur ON cur.tenant_id = old.tenant_id AND cur.rule_id = old.rule_id
      AND cur.subject_key = old.subject_key AND cur.status <> 'resolved'
    WHERE l.tenant_id = ${tenantId} AND l.integration_id = ${integrationId} AND l.resource_type = 'alert'
      AND l.state IS NOT NULL AND l.state NOT IN ('completed', 'canceled') AND l.wanted IS NULL
      ${"alertId" in by ? sql`AND cur.id = ${by.alertId}` : sql`AND l.id = ${by.linkId}`}
      AND NOT EXISTS (SELECT 1 FROM integration_links x
        WHERE x.tenant_id = cur.tenant_id AND x.resource_type = 'alert' AND x.resource_id = cur.id
          AND x.integration_id = l.integration_id)
    ORDER BY old.resolved_at DESC, l.id
    LIMIT 1
    FOR UPDATE OF l`;
  if (!found) return undefined;
  await sql`UPDATE integration_links SET resource_id = ${found.to_alert} WHERE tenant_id = ${tenantId} AND id = ${found.id}`;
  return found;
}

export interface RuleFilingRow {
  id: string;
  name: string;
  kind: string;
  severity: string;
  project_name: string | null;
  enabled: boolean;
  files_issues: boolean;
}

/** The tenant's alert rules, each with whether its alerts file an issue through this integration. */
export async function rulesWithFiling(sql: Sql, tenantId: string, integrationId: string, limit: number) {
  return await sql<RuleFilingRow[]>`
    SELECT r.id, r.name, r.kind, r.severity, p.name AS project_name, r.enabled,
      EXISTS (SELECT 1 FROM integration_alert_rules a
        WHERE a.tenant_id = r.tenant_id AND a.integration_id = ${integrationId} AND a.rule_id = r.id) AS files_issues
    FROM alert_rules r LEFT JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id
    WHERE r.tenant_id = ${tenantId}
    ORDER BY r.name, r.id
    LIMIT ${limit}`;
}
