import { RESOURCES } from "../../services/auth/permissions.ts";
import { permissionAllowed } from "../../services/roles/schemas.ts";
import { PermissionGrid } from "../components/permission_grid.tsx";

export interface MatrixProps {
  /** `resource:action` strings ticked. */
  checked: ReadonlySet<string>;
  /** Read-only (built-in roles, or a viewer without roles:manage). */
  disabled?: boolean;
  /** Permissions the viewer does not hold cannot be granted, so they are not offered. */
  grantable?: ReadonlySet<string>;
  /** Distinguishes the inputs' ids when several matrices are on one page. */
  idPrefix: string;
  error?: string;
}

/** Resources × actions checkboxes, posted as repeated `permissions=resource:action` fields. */
export function PermissionMatrix({ checked, disabled, grantable, idPrefix, error }: MatrixProps) {
  return (
    <fieldset class="permission-matrix" aria-invalid={error ? "true" : undefined}>
      <legend>Permissions</legend>
      {error && <small class="field-error" role="alert">{error}</small>}
      <div class="table-wrap">
        <PermissionGrid
          resources={RESOURCES}
          cell={(r, a) => {
            const value = `${r}:${a}`;
            if (!permissionAllowed(r, a)) return <td key={a} class="muted" aria-hidden="true">–</td>;
            const offered = !grantable || grantable.has(value) || checked.has(value);
            return (
              <td key={a}>
                <input
                  type="checkbox"
                  name="permissions"
                  value={value}
                  id={`${idPrefix}-${r}-${a}`}
                  checked={checked.has(value)}
                  disabled={disabled || !offered}
                  aria-label={`${r.replaceAll("_", " ")}: ${a}`}
                />
              </td>
            );
          }}
        />
      </div>
    </fieldset>
  );
}
