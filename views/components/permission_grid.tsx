import type { VNode } from "preact";
import { type Action, ACTIONS, type Resource } from "../../services/auth/permissions.ts";

export interface PermissionGridProps {
  /** The rows, in order. */
  resources: readonly Resource[];
  /** The `<td>` of one cell, keyed by its action. */
  cell: (resource: Resource, action: Action) => VNode;
}

/** A resources × actions table, a column per action: API key scopes and role permissions are ticked in one. */
export function PermissionGrid({ resources, cell }: PermissionGridProps) {
  return (
    <table class="permission-grid">
      <thead>
        <tr>
          <th scope="col">Resource</th>
          {ACTIONS.map((a) => <th key={a} scope="col">{a}</th>)}
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => (
          <tr key={r}>
            <th scope="row">{r.replaceAll("_", " ")}</th>
            {ACTIONS.map((a) => cell(r, a))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
