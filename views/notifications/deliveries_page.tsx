/** /notifications/deliveries: the whole organisation's delivery log, filterable by status and channel. */
import type { DeliveryRow } from "../../db/queries/notification_deliveries.ts";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { DeliveryLog } from "./_delivery_log.tsx";
import { type BrokenChannel, BrokenChannelsNotice } from "./deliveries_broken_notice.tsx";

const FILTERS = [
  ["", "All"],
  ["failed", "Retrying"],
  ["dead", "Dead"],
  ["sent", "Sent"],
  ["pending", "Queued"],
] as const;

export interface DeliveriesPageProps {
  deliveries: DeliveryRow[];
  nextCursor: string | null;
  status?: string;
  channelId?: string;
  canResend: boolean;
  broken: BrokenChannel[];
  error?: string;
}

export function DeliveriesPage(props: DeliveriesPageProps) {
  const { status, channelId } = props;
  const query = (extra: Record<string, string>) =>
    new URLSearchParams({ ...(channelId ? { channel_id: channelId } : {}), ...extra }).toString();
  return (
    <Layout title="Delivery log">
      <hgroup>
        <h1>Delivery log</h1>
        <p>
          Every message sent to a{" "}
          <a href="/notifications">channel</a>, with each attempt. Failed deliveries are retried with backoff; after 8
          attempts, or when the receiver says the address is gone, they are dead.{" "}
          <a href="/notifications/rules">Rules</a> decide what is sent where.
        </p>
      </hgroup>
      <BrokenChannelsNotice channels={props.broken} />
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <nav class="tabs" aria-label="Filter by status">
        {FILTERS.map(([value, label]) => (
          <a
            key={value}
            href={`/notifications/deliveries?${query(value ? { status: value } : {})}`}
            aria-current={(status ?? "") === value ? "page" : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <DeliveryLog
        deliveries={props.deliveries}
        canResend={props.canResend}
        empty={status ? `No ${status} deliveries.` : "Nothing has been sent yet: add a rule to start."}
      />
      {props.nextCursor && (
        <p>
          <a href={`/notifications/deliveries?${query({ ...(status ? { status } : {}), cursor: props.nextCursor })}`}>
            Older deliveries →
          </a>
        </p>
      )}
    </Layout>
  );
}
