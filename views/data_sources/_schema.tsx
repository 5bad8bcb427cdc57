import type { SchemaColumnRow } from "../../db/queries/data_sources.ts";

/** The schema browser: one collapsible entry per table with its columns; replaced in place by "Read schema". */
export function SchemaBrowser({ columns }: { columns: SchemaColumnRow[] }) {
  const tables = new Map<string, SchemaColumnRow[]>();
  for (const c of columns) {
    const key = `${c.schema_name}.${c.table_name}`;
    tables.set(key, [...(tables.get(key) ?? []), c]);
  }
  return (
    <div id="schema-browser">
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
