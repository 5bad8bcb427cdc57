import type { ChannelTestResult } from "../../services/notifications/test_delivery.ts";

/** The outcome of "send test", shown in place (htmx) or on the channel page. */
export function ChannelTestResultView({ result }: { result: ChannelTestResult }) {
  return (
    <span class={`channel-test-result ${result.ok ? "ok" : "failed"}`} role="status">
      {result.ok ? "Sent" : "Failed"}
      {result.response_code !== null && ` (${result.response_code})`} in {result.latency_ms} ms
      {result.error && <>: {result.error}</>}
    </span>
  );
}
