import type { RunResult } from "../../services/data_sources/run.ts";

export type RunOutcome = { result: RunResult } | { error: string };

function cell(value: unknown): string {
  if (value === null || value === undefined) return "∅";
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The result of "Run", replaced in place: a table of the first rows, or what went wrong in plain words. */
export function ResultTable({ outcome }: { outcome?: RunOutcome }) {
  if (!outcome) return <div id="query-result" />;
  if ("error" in outcome) {
    return (
      <div id="query-result">
        <p role="alert" class="field-error">{outcome.error}</p>
      </div>
    );
  }
  const { result } = outcome;
  return (
    <div id="query-result" role="status">
      <p>
        <small>
          {result.rows.length} row{result.rows.length === 1 ? "" : "s"} in {result.executionTimeMs} ms
          {result.truncated && " — stopped at the row limit; save the query and export CSV for more"}
        </small>
      </p>
      <div class="table-wrap">
        <table class="striped query-result">
          <thead>
            <tr>
              {result.columns.map((c, i) => (
                <th key={i} scope="col">
                  {c.name} <small>{c.type}</small>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) => <td key={j}>{cell(v)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
