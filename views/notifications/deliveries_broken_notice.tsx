/**
 * Tells admins that a channel stopped working for good (its receiver answered
 * 404/410 or refused the credentials): nothing more goes to it until someone
 * fixes and saves it. Shown on the overview and the notification pages to
 * those who can fix channels.
 */
import { shortTime } from "../users/format.ts";

export interface BrokenChannel {
  id: string;
  name: string;
  type: string;
  last_error: string | null;
  last_error_at: Date | null;
}

export function BrokenChannelsNotice({ channels }: { channels: BrokenChannel[] }) {
  if (channels.length === 0) return null;
  return (
    <div class="notice notice-error broken-channels" role="alert">
      <strong>
        {channels.length === 1
          ? "A notification channel is broken"
          : `${channels.length} notification channels are broken`}
      </strong>{" "}
      — nothing is sent to {channels.length === 1 ? "it" : "them"}{" "}
      until fixed. Check the settings, save, then re-send the dead deliveries.
      <ul>
        {channels.map((c) => (
          <li key={c.id}>
            <a href={`/notifications/channels/${c.id}`}>{c.name}</a> <small class="muted">{c.type}</small>
            {c.last_error && (
              <>
                : <span class="field-error">{c.last_error}</span>
              </>
            )}
            {c.last_error_at && <small class="muted">&nbsp;(since {shortTime(c.last_error_at)})</small>}
          </li>
        ))}
      </ul>
    </div>
  );
}
