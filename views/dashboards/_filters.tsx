import type { Filters } from "../../services/dashboards/schemas.ts";
import { RANGES } from "../../services/dashboards/schemas.ts";

export interface ProjectOption {
  id: string;
  name: string;
}

/** The filter bar: a GET form, so the URL carries the filters and every widget request repeats them. */
export function FilterBar(
  { action, filters, projects, editable = "all" }: {
    action: string;
    filters: Filters;
    projects: ProjectOption[] | null;
    editable?: readonly string[] | "all";
  },
) {
  const may = (name: string) => editable === "all" || editable.includes(name);
  if (editable !== "all" && editable.length === 0) return null;
  return (
    <form method="get" action={action} class="dash-filters" aria-label="Filters">
      {may("range") && (
        <label>
          Time range
          <select name="range">
            {RANGES.map((r) => <option key={r} value={r} selected={filters.range === r}>{r}</option>)}
          </select>
        </label>
      )}
      {may("project_id") && projects && (
        <label>
          Project
          <select name="project">
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id} selected={filters.project_id === p.id}>{p.name}</option>
            ))}
          </select>
        </label>
      )}
      {may("environment") && (
        <label>
          Environment
          <input name="env" value={filters.environment ?? ""} placeholder="any" maxLength={100} />
        </label>
      )}
      {editable === "all" && Object.entries(filters.params).map(([name, value]) => (
        <label key={name}>
          {name}
          <input name={`p.${name}`} value={value} maxLength={200} />
        </label>
      ))}
      <button type="submit" class="secondary">Apply</button>
    </form>
  );
}
