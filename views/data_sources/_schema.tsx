import type { SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { timeIn } from "../components/time.tsx";

/**
 * The schema browser: when it was read, then one collapsible entry per table with its columns. "Read schema"
 * replaces all of it in place, so the time shown is always the one of the columns shown.
 */
export function SchemaBrowser(
  { columns, lastSync, timeZone }: { columns: SchemaColumnRow[]; lastSync: Date | null; timeZone: string | null },
) {
  const tables = new Map<string, SchemaColumnRow[]>();
  for (const c of columns) {
    // csv and REST sources have no schema: their tables are named alone
    const key = c.schema_name ? `${c.schema_name}.${c.table_name}` : c.table_name;
    tables.set(key, [...(tables.get(key) ?? []), c]);
  }
  return (
    <div id="schema-browser">
      {lastSync && (
        <p>
          <small>Last read {timeIn(lastSync, timeZone)}</small>
        </p>
      )}
      {tables.size === 0
        ? <p class="empty-state">The schema has not been read yet.</p>
        : [...tables].map(([name, cols]) => (
          <details key={name}>
            <summary>
              {name} <small>({cols.length} columns)</small>
            </summary>
            <ul>
              {cols.map((c) => (
                <li key={c.column_name}>
                  <code>{c.column_name}</code> {c.data_type}
                  {c.is_nullable ? "" : " not null"}
                </li>
              ))}
            </ul>
          </details>
        ))}
    </div>
  );
}
