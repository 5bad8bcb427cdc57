/** The data-source kinds: a folder each and a line here. */
import { csvKind } from "./csv/mod.ts";
import { mysqlKind } from "./mysql/mod.ts";
import { postgresqlKind } from "./postgresql/mod.ts";
import { restApiKind } from "./rest_api/mod.ts";
import type { DataSourceKind } from "./types.ts";

export const KINDS = {
  postgresql: postgresqlKind,
  mysql: mysqlKind,
  rest_api: restApiKind,
  csv: csvKind,
} satisfies Record<string, DataSourceKind>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** Closes every cached connection (shutdown, tests). */
export async function closeAllSources(): Promise<void> {
  await Promise.all(Object.values(KINDS).map((k) => k.close()));
}
