import { SHAPES } from "../../services/data_sources/kinds/opsdeck/shapes.ts";

/**
 * The built-in Opsdeck source's query shapes: what a saved query on it may name, the parameters it may declare
 * (as `name type` lines, as the editor takes them) and the columns it gets back. Listed from shapes.ts itself.
 */
export function QueryShapes({ open = false }: { open?: boolean }) {
  return (
    <div id="query-shapes">
      <p>
        A query on this source is the name of one shape; declare the parameters you want to set, with the shape's types.
        Parameters left out take their default. Client users see only their client's projects.
      </p>
      {SHAPES.map((s) => (
        <details key={s.name} open={open}>
          <summary>
            <code>{s.name}</code> <small>{s.description}</small>
          </summary>
          <p>Parameters:</p>
          <ul>
            {s.parameters.map((p) => (
              <li key={p.name}>
                <code>{[p.name, p.type, p.values?.join(",")].filter(Boolean).join(" ")}</code>
                {p.required ? " (required)" : ""} — {p.note}
              </li>
            ))}
          </ul>
          <p>
            Columns: {s.columns.map((c, i) => (
              <span key={c.name}>
                {i > 0 && ", "}
                <code>{c.name}</code> <small>{c.type}</small>
              </span>
            ))}
          </p>
        </details>
      ))}
    </div>
  );
}
