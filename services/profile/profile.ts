/**
 * A user's own profile (name, timezone) and preferences (theme). Changing
 * them needs a user session: API keys automate the tenant's work and may read
 * these, not change the account they act for (docs/security.md).
 */
import type { Sql } from "../../db/client.ts";
import {
  getPreference,
  getProfile,
  listPreferences,
  type ProfileRow,
  updateProfile as updateProfileRow,
  upsertPreference,
} from "../../db/queries/preferences.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { ForbiddenError, NotFoundError } from "../platform/errors.ts";
import { canonicalTimeZone, type PreferencesUpdate, type ProfileUpdate, type ThemeName, THEMES } from "./schemas.ts";

export interface Profile extends ProfileRow {
  email: string;
}

export interface Preferences {
  theme: ThemeName;
  timezone: string | null;
}

/** Self-service changes to an account need the user's own session, not an API key. */
export function requireSession(actor: Principal, what: string): void {
  if (actor.kind !== "user") throw new ForbiddenError(`${what} needs a signed-in session; an API key cannot do it`);
}

export async function loadProfile(sql: Sql, actor: Principal): Promise<Profile> {
  const row = await withTenant(sql, actor.tenantId, (tx) => getProfile(tx, actor.tenantId, actor.userId));
  if (!row) throw new NotFoundError();
  return { ...row, email: actor.email };
}

/** Sets name and/or timezone; one `user.update` audit row naming only what changed. */
export async function updateProfile(sql: Sql, actor: Principal, input: ProfileUpdate, ctx: AuditContext) {
  requireSession(actor, "Changing your profile");
  const row = await withTenant(sql, actor.tenantId, async (tx) => {
    const before = await getProfile(tx, actor.tenantId, actor.userId);
    if (!before) throw new NotFoundError();
    const patch = changes(before, {
      name: input.name,
      timezone: input.timezone ? canonicalTimeZone(input.timezone) : input.timezone,
    });
    if (!patch) return before;
    const after = await updateProfileRow(tx, actor.tenantId, actor.userId, patch.after);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "user.update",
      resourceType: "user",
      resourceId: actor.userId,
      before: patch.before,
      after: patch.after,
    });
    return after;
  });
  return { ...row, email: actor.email };
}

export async function loadPreferences(sql: Sql, actor: Principal): Promise<Preferences> {
  return await withTenant(sql, actor.tenantId, async (tx) => {
    const profile = await getProfile(tx, actor.tenantId, actor.userId);
    if (!profile) throw new NotFoundError();
    const stored = await listPreferences(tx, actor.tenantId, actor.userId);
    return { theme: asTheme(stored.theme) ?? "auto", timezone: profile.timezone };
  });
}

/** Sets the given preferences (the others keep their values); one `user_preferences.update` audit row. */
export async function updatePreferences(
  sql: Sql,
  actor: Principal,
  input: PreferencesUpdate,
  ctx: AuditContext,
): Promise<Preferences> {
  requireSession(actor, "Changing your preferences");
  return await withTenant(sql, actor.tenantId, async (tx) => {
    const profile = await getProfile(tx, actor.tenantId, actor.userId);
    if (!profile) throw new NotFoundError();
    const stored = await listPreferences(tx, actor.tenantId, actor.userId);
    const current: Preferences = { theme: asTheme(stored.theme) ?? "auto", timezone: profile.timezone };
    const patch = changes(current, {
      theme: input.theme,
      timezone: input.timezone && canonicalTimeZone(input.timezone),
    });
    if (!patch) return current;
    if (patch.after.theme) {
      await upsertPreference(tx, { tenantId: actor.tenantId, userId: actor.userId, key: "theme", value: input.theme });
    }
    if (patch.after.timezone) {
      await updateProfileRow(tx, actor.tenantId, actor.userId, { timezone: patch.after.timezone });
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "user_preferences.update",
      resourceType: "user",
      resourceId: actor.userId,
      before: patch.before,
      after: patch.after,
    });
    return { ...current, ...patch.after } as Preferences;
  });
}

/** The theme a signed-in user chose, or undefined when they never did. */
export async function storedTheme(sql: Sql, actor: Principal): Promise<ThemeName | undefined> {
  const value = await withTenant(sql, actor.tenantId, (tx) => getPreference(tx, actor.tenantId, actor.userId, "theme"));
  return asTheme(value);
}

function asTheme(value: unknown): ThemeName | undefined {
  return THEMES.find((t) => t === value);
}

/** The fields of `next` that are set and differ from `current`, as before/after halves; null when none. */
function changes<T extends Record<string, unknown>>(
  current: { [K in keyof T]: unknown },
  next: T,
): { before: Partial<Record<keyof T, unknown>>; after: Partial<T> } | null {
  const keys = (Object.keys(next) as (keyof T)[]).filter((k) => next[k] !== undefined && next[k] !== current[k]);
  if (keys.length === 0) return null;
  return {
    before: Object.fromEntries(keys.map((k) => [k, current[k]])) as Partial<Record<keyof T, unknown>>,
    after: Object.fromEntries(keys.map((k) => [k, next[k]])) as Partial<T>,
  };
}
