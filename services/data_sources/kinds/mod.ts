/** The data-source kinds: a folder each and a line here. */
import { csvKind } from "./csv/mod.ts";
import { mysqlKind } from "./mysql/mod.ts";
import { opsdeckKind } from "./opsdeck/mod.ts";
import { postgresqlKind } from "./postgresql/mod.ts";
import { restApiKind } from "./rest_api/mod.ts";
import type { DataSourceKind } from "./types.ts";

export const KINDS = {
  postgresql: postgresqlKind,
  mysql: mysqlKind,
  rest_api: restApiKind,
  csv: csvKind,
  opsdeck: opsdeckKind,
} satisfies Record<string, DataSourceKind>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];
/** The kinds a person can add (the built-in one comes with the tenant). */
export const ADDABLE_KIND_NAMES = KIND_NAMES.filter((k) => !(KINDS[k] as DataSourceKind).builtIn);

/** Closes every cached connection (shutdown, tests). */
export async function closeAllSources(): Promise<void> {
  await Promise.all(Object.values(KINDS).map((k) => k.close()));
}
