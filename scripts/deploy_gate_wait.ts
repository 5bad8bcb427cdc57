/**
 * A CI step for deploy gates: blocks until an approval is decided.
 *
 *   OPSDECK_URL=https://ops.example.com OPSDECK_API_KEY=… \
 *     deno run --allow-net --allow-env scripts/deploy_gate_wait.ts <approval id or wait_url> [max minutes, default 60]
 *
 * Long-polls GET /api/v1/approvals/{id}/wait (the key needs approvals:read)
 * and exits 0 when approved, 1 when rejected or expired (the deployment is
 * then cancelled by Opsdeck), 2 on a usage error, a refused key, or when
 * the wait runs out. Network errors and 5xx answers are retried.
 */
const [target, maxMinutesArg] = Deno.args;
const base = Deno.env.get("OPSDECK_URL")?.replace(/\/+$/, "");
const key = Deno.env.get("OPSDECK_API_KEY");
if (!target || !base || !key) {
  console.error("usage: OPSDECK_URL=… OPSDECK_API_KEY=… deploy_gate_wait.ts <approval id or wait_url> [max minutes]");
  Deno.exit(2);
}
const id = target.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
if (!id) {
  console.error(`deploy gate: "${target}" names no approval id`);
  Deno.exit(2);
}
const deadline = Date.now() + Number(maxMinutesArg ?? 60) * 60_000;

while (Date.now() < deadline) {
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/approvals/${id}/wait?timeout_seconds=25`, {
      headers: { Authorization: `Bearer ${key}`, Accept: "application/json" },
    });
  } catch (error) {
    console.error(`deploy gate: ${(error as Error).message}; retrying`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    continue;
  }
  if (res.status >= 500 || res.status === 429) {
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    continue;
  }
  if (res.status !== 200) {
    console.error(`deploy gate: Opsdeck answered ${res.status}: ${await res.text()}`);
    Deno.exit(2);
  }
  const approval = await res.json() as {
    status: string;
    decided_by_name: string | null;
    decision_comment: string | null;
  };
  if (approval.status === "pending") continue;
  const by = approval.decided_by_name ? ` by ${approval.decided_by_name}` : "";
  const why = approval.decision_comment ? `: ${approval.decision_comment}` : "";
  console.log(`deploy gate: ${approval.status}${by}${why}`);
  Deno.exit(approval.status === "approved" ? 0 : 1);
}
console.error("deploy gate: still pending when the wait ran out");
Deno.exit(2);
