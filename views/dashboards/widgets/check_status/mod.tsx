import { text, type WidgetKind } from "../kind.ts";

/** Checks as status pills: needs a name column and a `status` column (up, down, degraded, unknown). */
export const checkStatus: WidgetKind = {
  label: "Check status",
  expects: "a name column and a status column",
  render(data) {
    const status = data.columns.indexOf("status");
    return (
      <ul class="widget-status">
        {data.rows.map((r, i) => {
          const s = status >= 0 ? text(r[status]) : "unknown";
          return (
            <li key={i} class={`status-${/^(up|down|degraded)$/.test(s) ? s : "unknown"}`}>
              <span class="widget-dot" aria-hidden="true" /> {text(r[0])} <small>{s}</small>
            </li>
          );
        })}
      </ul>
    );
  },
};
