import type { ApiKeyRow } from "../../db/queries/api_keys.ts";
import type { ApiKeyStatus } from "../../services/api_keys/api_keys.ts";
import { RowActionForm } from "../components/row_action_form.tsx";
import { timeIn } from "../components/time.tsx";

const BADGE: Record<ApiKeyStatus, string> = { active: "badge-up", expired: "badge-degraded", revoked: "badge-down" };
const SHOWN_SCOPES = 3;

export interface ApiKeyRowProps {
  apiKey: ApiKeyRow;
  status: ApiKeyStatus;
  timeZone: string | null;
  showOwner: boolean;
}

/** One key; rendered in the table and alone as the answer to its htmx revoke. */
export function ApiKeyTableRow({ apiKey: k, status, timeZone, showOwner }: ApiKeyRowProps) {
  return (
    <tr id={`api-key-${k.id}`} class={status === "active" ? undefined : "api-key-inactive"}>
      <td>
        <strong>{k.name}</strong>
        <br />
        <code class="muted">{k.prefix}…</code>
      </td>
      {showOwner && <td>{k.user_email}</td>}
      <td>
        <Scopes scopes={k.scopes} />
      </td>
      <td>{timeIn(k.created_at, timeZone)}</td>
      <td>{k.last_used_at ? timeIn(k.last_used_at, timeZone) : <span class="muted">never</span>}</td>
      <td>{k.expires_at ? timeIn(k.expires_at, timeZone) : <span class="muted">never</span>}</td>
      <td>
        <span class={`badge ${BADGE[status]}`}>{status}</span>
      </td>
      <td>
        {status !== "revoked" && (
          <RowActionForm
            action={`/api-keys/${k.id}/revoke`}
            confirm={`Revoke "${k.name}"? Anything using it stops working at once.`}
          >
            <button type="submit" class="outline secondary small">Revoke</button>
          </RowActionForm>
        )}
      </td>
    </tr>
  );
}

function Scopes({ scopes }: { scopes: string[] }) {
  if (scopes.length === 0) return <span class="muted">all of the owner's permissions</span>;
  const rest = scopes.length - SHOWN_SCOPES;
  return (
    <span title={scopes.join(", ")}>
      {scopes.slice(0, SHOWN_SCOPES).map((s) => <code key={s} class="scope">{s}</code>)}
      {rest > 0 && <small class="muted">+{rest} more</small>}
    </span>
  );
}
