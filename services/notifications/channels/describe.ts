/**
 * What a notification says, built from the event's data with one function per
 * event family, before any medium's escaping: plain strings only. The
 * medium modules (slack.ts, email.ts, webhook.ts) render and escape these.
 * Payloads are read defensively: a missing name becomes a placeholder, never
 * an exception, so a message is always sent.
 */

export type Tone = "problem" | "warning" | "recovery" | "info";

export interface Message {
  tone: Tone;
  /** One line: "DOWN: API (Acme site)". */
  title: string;
  /** Optional sentence under the title (an error, a comment). */
  text?: string;
  fields: [label: string, value: string][];
  /** Path inside Opsdeck (made absolute with OPSDECK_BASE_URL when set). */
  path?: string;
  /** Alert events: the alert the buttons act on, and its status. */
  alert?: { id: string; status: string };
  /** Approval events: the request Approve / Reject act on, and its status. */
  approval?: { id: string; status: string };
}

export interface EventInput {
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

type Obj = Record<string, unknown>;

/** `payload.a.b` as a string, or undefined. */
export function read(payload: Obj, path: string): string | undefined {
  let at: unknown = payload;
  for (const key of path.split(".")) {
    if (!at || typeof at !== "object") return undefined;
    at = (at as Obj)[key];
  }
  if (typeof at === "string" && at.length > 0) return at;
  if (typeof at === "number" || typeof at === "boolean") return String(at);
  return undefined;
}

/**
 * The first of `paths` present. Emitters differ: deployments and change
 * requests nest (`project.name`), checks and alerts are flat (`project_name`).
 */
export function first(payload: Obj, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const value = read(payload, path);
    if (value !== undefined) return value;
  }
  return undefined;
}

const projectOf = (p: Obj) => first(p, "project.name", "project_name");
const withProject = (name: string, p: Obj) => projectOf(p) ? `${name} (${projectOf(p)})` : name;
const fields = (...pairs: [string, string | undefined][]) =>
  pairs.filter((pair): pair is [string, string] => pair[1] !== undefined);

export function checkMessage(e: EventInput): Message {
  const p = e.payload;
  const name = first(p, "check.name", "check_name") ?? "a health check";
  const state = e.eventType === "health_check.up"
    ? "UP"
    : e.eventType === "health_check.degraded"
    ? "DEGRADED"
    : "DOWN";
  return {
    tone: state === "UP" ? "recovery" : state === "DEGRADED" ? "warning" : "problem",
    title: `${state}: ${withProject(name, p)}`,
    text: first(p, "result.error", "detail"),
    fields: fields(
      ["Check", name],
      ["Project", projectOf(p)],
      ["Target", first(p, "check.target", "target")],
      ["Status code", first(p, "status_code")],
      ["Latency", ms(first(p, "result.latency_ms", "latency_ms"))],
      ["Held back", read(p, "held_back")],
    ),
    path: checkPath(p),
  };
}

export function heartbeatMessage(e: EventInput): Message {
  const p = e.payload;
  const name = first(p, "check.name", "check_name") ?? "a heartbeat";
  return {
    tone: "problem",
    title: `MISSED: ${withProject(name, p)}`,
    text: first(p, "detail") ?? "The expected ping did not arrive in time.",
    fields: fields(
      ["Heartbeat", name],
      ["Project", projectOf(p)],
      ["Last ping", first(p, "last_ping_at") ?? "never"],
      ["Held back", read(p, "held_back")],
    ),
    path: checkPath(p),
  };
}

export function certificateMessage(e: EventInput): Message {
  const p = e.payload;
  const name = first(p, "check.name", "check_name") ?? "a check";
  const days = first(p, "certificate.days_left", "days_left");
  return {
    tone: "warning",
    title: `CERTIFICATE EXPIRING${days ? ` in ${days} days` : ""}: ${withProject(name, p)}`,
    fields: fields(
      ["Check", name],
      ["Project", projectOf(p)],
      ["Expires", first(p, "certificate.expires_at", "not_after")],
      ["Subject", first(p, "certificate.subject", "subject")],
      ["Issuer", first(p, "issuer")],
    ),
    path: checkPath(p),
  };
}

export function deploymentMessage(e: EventInput): Message {
  const p = e.payload;
  const outcome = e.eventType.split(".")[1] ?? "updated";
  const env = read(p, "deployment.environment") ?? "an environment";
  return {
    tone: outcome === "failed" ? "problem" : outcome === "succeeded" ? "recovery" : "info",
    title: `Deployment ${outcome.toUpperCase()}: ${projectOf(p) ?? "a project"} to ${env}`,
    fields: fields(
      ["Project", projectOf(p)],
      ["Environment", env],
      ["Ref", read(p, "deployment.ref")],
      ["Commit", read(p, "deployment.commit_sha")?.slice(0, 12)],
      ["By", read(p, "deployment.actor")],
    ),
    path: read(p, "deployment.path"),
  };
}

export function alertMessage(e: EventInput): Message {
  const p = e.payload;
  const status = first(p, "alert.status", "status") ?? e.eventType.split(".")[1] ?? "triggered";
  const summary = first(p, "alert.summary", "summary", "rule_name") ?? "an alert";
  const actor = read(p, "actor.label");
  const id = first(p, "alert.id", "alert_id");
  return {
    tone: status === "resolved" ? "recovery" : status === "acknowledged" ? "info" : "problem",
    title: `${status === "triggered" ? "ALERT" : status.toUpperCase()}: ${withProject(summary, p)}`,
    text: first(p, "comment", "alert.comment"),
    fields: fields(
      ["Severity", first(p, "alert.severity", "severity")],
      ["Rule", first(p, "rule.name", "rule_name")],
      ["Project", projectOf(p)],
      ["Check", first(p, "check_name")],
      ["Value", first(p, "alert.value", "value")],
      ["Since", first(p, "alert.triggered_at", "triggered_at")],
      ["Snoozed until", status === "snoozed" ? first(p, "snoozed_until") : undefined],
      ["By", status === "triggered" ? undefined : actor],
    ),
    path: first(p, "alert.path", "path") ?? (id ? `/alerts/${id}` : undefined),
    alert: id ? { id, status } : undefined,
  };
}

export function changeRequestMessage(e: EventInput): Message {
  const p = e.payload;
  const title = read(p, "change_request.title") ?? "a change request";
  const decision = read(p, "decision");
  return {
    tone: decision === "rejected" ? "warning" : "info",
    title: decision
      ? `Change request ${decision.toUpperCase()}: ${withProject(title, p)}`
      : `New change request: ${withProject(title, p)}`,
    text: read(p, "comment") ?? undefined,
    fields: fields(
      ["Project", projectOf(p)],
      ["Priority", read(p, "change_request.priority")],
      ["By", read(p, "actor.label")],
    ),
    path: read(p, "change_request.path"),
  };
}

export function approvalMessage(e: EventInput): Message {
  const p = e.payload;
  const id = read(p, "approval.id");
  const status = read(p, "approval.status") ?? "pending";
  const title = read(p, "approval.title") ?? "a request";
  const decision = read(p, "decision");
  return {
    tone: decision === "approved" ? "recovery" : decision ? "warning" : "info",
    title: decision ? `${decision.toUpperCase()}: ${title}` : `Approval needed: ${title}`,
    text: read(p, "comment"),
    fields: fields(
      ["Asked by", read(p, "approval.requested_by.name")],
      ["Priority", read(p, "approval.priority")],
      ["Approver", read(p, "approval.approver")],
      [
        decision ? "Decided by" : "Expires",
        decision ? read(p, "approval.decided_by.name") : read(p, "approval.expires_at"),
      ],
    ),
    path: read(p, "approval.path"),
    approval: id ? { id, status } : undefined,
  };
}

/** A report run finished: its file is linked (kept keep_days), never attached to a chat or webhook. */
export function reportMessage(e: EventInput): Message {
  const p = e.payload;
  return {
    tone: "info",
    title: `Report ready: ${read(p, "report.name") ?? "a report"}`,
    text: read(p, "run.filename"),
    fields: fields(
      ["Dashboard", read(p, "dashboard.name")],
      ["Run at", read(p, "run.finished_at")],
      ["Format", read(p, "report.format")],
      ["Kept until", read(p, "run.expires_at")],
    ),
    path: read(p, "run.file_path"),
  };
}

export function testMessage(e: EventInput): Message {
  return {
    tone: "info",
    title: "Test notification from Opsdeck",
    text: "If you can read this, the channel works.",
    fields: fields(["Channel", read(e.payload, "channel.name")], ["Sent by", read(e.payload, "actor.label")]),
  };
}

export function digestMessage(items: EventInput[]): Message {
  return {
    tone: items.some((i) => describe(i).tone === "problem") ? "problem" : "info",
    title: `Opsdeck digest: ${items.length} notification${items.length === 1 ? "" : "s"}`,
    text: items.map((i) => `${i.createdAt.toISOString().slice(11, 16)} UTC  ${describe(i).title}`).join("\n"),
    fields: [],
  };
}

export function describe(e: EventInput): Message {
  const family = e.eventType.split(".")[0];
  if (family === "health_check") return checkMessage(e);
  if (family === "heartbeat") return heartbeatMessage(e);
  if (family === "certificate") return certificateMessage(e);
  if (family === "deployment") return deploymentMessage(e);
  if (family === "alert") return alertMessage(e);
  if (family === "change_request") return changeRequestMessage(e);
  if (family === "approval") return approvalMessage(e);
  if (family === "report") return reportMessage(e);
  return testMessage(e);
}

function checkPath(p: Obj): string | undefined {
  const id = first(p, "check.id", "check_id");
  return first(p, "check.path") ?? (id ? `/checks/${id}` : undefined);
}

function ms(value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${value} ms`;
}

/** A path made absolute against OPSDECK_BASE_URL; without one, no link at all. */
export function absolute(path: string | undefined, baseUrl: string | undefined): string | undefined {
  if (!path || !baseUrl || !path.startsWith("/")) return undefined;
  return baseUrl.replace(/\/+$/, "") + path;
}
