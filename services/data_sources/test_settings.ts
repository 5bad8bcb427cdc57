/**
 * "Test connection" on settings not saved yet (the add and edit forms): the
 * same validation and outbound policy as saving, then the kind's own test on a
 * throwaway connection that is closed at once. Nothing is stored; on edit a
 * secret left empty is the stored one.
 */
import type { Sql } from "../../db/client.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { AppError, ValidationError } from "../platform/errors.ts";
import { getDataSource, kindOf, openSource, settingsOf, type SourceDeps } from "./data_sources.ts";
import { sourcePolicy } from "./target.ts";

export interface SettingsTest {
  ok: boolean;
  message: string;
}

export async function testSettings(
  sql: Sql,
  principal: Principal,
  input: { kind: string; config: Record<string, unknown>; sourceId?: string },
  deps: SourceDeps,
): Promise<SettingsTest> {
  authorize(principal, "data_sources", "write");
  const stored = input.sourceId ? await getDataSource(sql, principal, input.sourceId) : undefined;
  const kind = kindOf(stored?.kind ?? input.kind);
  if (!kind.connects) {
    throw new ValidationError([{ path: "kind", message: "There is nothing to connect to before the data is in" }]);
  }
  const split = await settingsOf(kind, input.config, deps);
  const secret = split.secret ?? (stored ? (await openSource(deps, stored, principal.clientId)).secret : {});
  // a fresh id: the throwaway connection never shares a pool with a saved source
  const id = crypto.randomUUID();
  try {
    const { serverVersion } = await kind.test({
      id,
      version: id,
      config: split.config,
      secret,
      policy: sourcePolicy(deps.config),
      home: sql,
      tenantId: principal.tenantId,
      clientId: principal.clientId,
    });
    return { ok: true, message: serverVersion };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, message: error.message };
  } finally {
    await kind.close(id);
  }
}
