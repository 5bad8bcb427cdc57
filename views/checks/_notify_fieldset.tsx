/** The check form's "Notify": channels to tick, and a warning whenever nobody would hear about this check. */
import type { NotifyForm } from "../../services/checks/notify.ts";
import { FieldError, type FieldErrors } from "../components/form_field.tsx";

export function NotifyFieldset({ notify, errors }: { notify: NotifyForm; errors?: FieldErrors }) {
  const { choices, selected, canWrite } = notify;
  if (!canWrite) return null;
  const orgWide = choices.some((c) => c.org_wide && !c.broken);
  return (
    <fieldset class="check-fields notify-fieldset" id="notify">
      <legend>Notify</legend>
      {choices.length === 0
        ? (
          <p class="notice notice-warning" role="status">
            No notification channel yet: this check's alerts will reach nobody.{" "}
            <a href="/notifications">Add a channel</a>, then come back to pick it here.
          </p>
        )
        : (
          <>
            <small class="muted" id="notify-help">
              When this check goes down (or a heartbeat is missed), its alert goes to the channels ticked here.
            </small>
            {choices.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  name="notify_channel_ids"
                  value={c.id}
                  checked={selected.includes(c.id)}
                  aria-describedby="notify-help"
                />{" "}
                {c.name} <span class="muted">({c.type})</span>
                {c.broken && <span class="badge badge-down">broken: fix it on its page</span>}
              </label>
            ))}
            {!orgWide && (
              <p class="muted notify-none" data-when-none>
                Tick none and nobody is notified: the alert shows only in the inbox.
              </p>
            )}
          </>
        )}
      <input type="hidden" name="notify_present" value="1" />
      <FieldError name="notify_channel_ids" errors={errors} />
    </fieldset>
  );
}
