/**
 * The one permission layer, shared by the API and the pages. A principal's
 * permissions come from its role; an API key narrows them to its scopes.
 */
import { ForbiddenError, NotFoundError } from "../platform/errors.ts";

export const RESOURCES = [
  "tenants",
  "users",
  "roles",
  "api_keys",
  "settings",
  "clients",
  "projects",
  "sows",
  "change_requests",
  "deployments",
  "health_checks",
  "metrics",
  "alert_rules",
  "alerts",
  "notification_channels",
  "notification_rules",
  "audits",
  "data_sources",
  "saved_queries",
  "data_models",
  "status_pages",
  "incidents",
  "sla_reports",
  "approvals",
  "dashboards",
] as const;
export const ACTIONS = ["read", "write", "delete", "manage"] as const;

export type Resource = typeof RESOURCES[number];
export type Action = typeof ACTIONS[number];
/** `resource:action`, the form scopes and permission sets use. */
export type Permission = `${Resource}:${Action}`;

export const BUILTIN_ROLES = ["admin", "employee", "client"] as const;

export interface Principal {
  kind: "user" | "api_key";
  userId: string;
  tenantId: string;
  email: string;
  name: string | null;
  roleId: string;
  roleName: string;
  /** Set for client users: they see only this client's projects and what hangs under them. */
  clientId: string | null;
  superAdmin: boolean;
  permissions: ReadonlySet<Permission>;
  sessionId?: string;
  apiKeyId?: string;
  /** The profile's IANA zone; null or absent: the browser's. */
  timeZone?: string | null;
}

export function isPermission(value: string): value is Permission {
  const [resource, action, extra] = value.split(":");
  return extra === undefined && (RESOURCES as readonly string[]).includes(resource) &&
    (ACTIONS as readonly string[]).includes(action);
}

export function can(principal: Principal, resource: Resource, action: Action): boolean {
  return principal.permissions.has(`${resource}:${action}`);
}

/**
 * Throws unless the principal may act. Callers that cannot even read a
 * resource get 404 rather than 403, so ids never leak across roles.
 */
export function authorize(principal: Principal, resource: Resource, action: Action): void {
  if (can(principal, resource, action)) return;
  if (action !== "read" && can(principal, resource, "read")) {
    throw new ForbiddenError(`Your role "${principal.roleName}" cannot ${action} ${resource.replaceAll("_", " ")}`);
  }
  throw new NotFoundError();
}

/** An API key's effective permissions: its scopes within its owner's, or all of the owner's. */
export function narrowToScopes(userPermissions: Iterable<Permission>, scopes: readonly string[]): Set<Permission> {
  const own = new Set(userPermissions);
  if (scopes.length === 0) return own;
  return new Set(scopes.filter((s): s is Permission => isPermission(s) && own.has(s)));
}
