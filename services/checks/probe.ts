/**
 * One run of an HTTP or TCP check: the request under the probe policy, then
 * the assertions, folded into up / degraded / down with a short detail.
 * Target problems never throw: a refused address, a timeout or a 500 are all
 * a "down" outcome the scheduler records.
 */
import type { HealthCheckDefinition } from "../../db/queries/health_checks.ts";
import type { Config } from "../platform/config.ts";
import { type CertificateInfo, OutboundError, safeRequest } from "../platform/net/http_client.ts";
import { literalAddress } from "../platform/net/connect.ts";
import type { Resolver } from "../platform/net/resolve.ts";
import { tcpProbe } from "../platform/net/tcp.ts";
import { checkJsonPath, checkKeyword, checkStatus } from "./assertions.ts";
import { type AddressPolicy, protectedTarget, refusalReason } from "../platform/net/policy.ts";

/** What one run reads from the stored definition, under the columns' own names. */
export type ProbeDefinition = Pick<HealthCheckDefinition, typeof PROBE_FIELDS[number]> & { type: "http" | "tcp" };

export const PROBE_FIELDS = [
  "type",
  "url",
  "host",
  "port",
  "method",
  "headers",
  "body",
  "expected_status",
  "keyword",
  "keyword_invert",
  "json_path",
  "json_expected",
  "degraded_latency_ms",
  "follow_redirects",
  "verify_tls",
  "timeout_ms",
  "public_targets_only",
] as const satisfies readonly (keyof HealthCheckDefinition)[];

export interface ProbeOutcome {
  status: "up" | "down" | "degraded";
  latencyMs: number | null;
  statusCode: number | null;
  detail: string | null;
  certificate: CertificateInfo | null;
}

export interface ProbeDeps {
  config: Config;
  resolver?: Resolver;
  caCerts?: string[];
  signal?: AbortSignal;
}

/** Bodies are read up to this many bytes; keywords and JSON paths look no further. */
export const PROBE_BODY_BYTES = 64 * 1024;

const decoder = new TextDecoder();

export async function runProbe(def: ProbeDefinition, deps: ProbeDeps): Promise<ProbeOutcome> {
  const policy = def.public_targets_only ? deps.config.outbound.clientProbe : deps.config.outbound.probe;
  try {
    return def.type === "tcp" ? await runTcp(def, deps, policy) : await runHttp(def, deps, policy);
  } catch (error) {
    const detail = error instanceof OutboundError ? error.message : `probe failed: ${(error as Error).message}`;
    return { status: "down", latencyMs: null, statusCode: null, detail, certificate: null };
  }
}

async function runHttp(def: ProbeDefinition, deps: ProbeDeps, policy: AddressPolicy): Promise<ProbeOutcome> {
  if (!def.url) throw new OutboundError("protocol", "no URL");
  const response = await safeRequest({
    url: def.url,
    method: def.method,
    headers: def.headers,
    body: def.body ?? undefined,
    policy,
    resolver: deps.resolver,
    timeoutMs: def.timeout_ms,
    signal: deps.signal,
    maxRedirects: def.follow_redirects ? 3 : 0,
    maxBodyBytes: PROBE_BODY_BYTES,
    verifyTls: def.verify_tls,
    caCerts: deps.caCerts,
  });
  const base = { latencyMs: response.latencyMs, statusCode: response.status, certificate: response.certificate };
  let problem = checkStatus(response.status, def.expected_status);
  if (!problem && (def.keyword || def.json_path)) {
    const text = decoder.decode(response.body);
    if (def.keyword) problem = checkKeyword(text, def.keyword, def.keyword_invert);
    if (!problem && def.json_path) problem = checkJsonPath(text, def.json_path, def.json_expected);
  }
  if (problem) return { ...base, status: "down", detail: problem };
  return { ...base, ...latencyVerdict(response.latencyMs, def.degraded_latency_ms) };
}

async function runTcp(def: ProbeDefinition, deps: ProbeDeps, policy: AddressPolicy): Promise<ProbeOutcome> {
  if (!def.host || !def.port) throw new OutboundError("protocol", "no host and port");
  const { latencyMs } = await tcpProbe(def.host, def.port, {
    policy,
    resolver: deps.resolver,
    timeoutMs: def.timeout_ms,
    signal: deps.signal,
  });
  return { latencyMs, statusCode: null, certificate: null, ...latencyVerdict(latencyMs, def.degraded_latency_ms) };
}

function latencyVerdict(latencyMs: number, threshold: number | null): Pick<ProbeOutcome, "status" | "detail"> {
  if (threshold !== null && latencyMs > threshold) {
    return { status: "degraded", detail: `slow: ${Math.round(latencyMs)} ms, above ${threshold} ms` };
  }
  return { status: "up", detail: null };
}

/**
 * Create-time check of a target as written: scheme, host syntax, and literal
 * addresses in every spelling, and Opsdeck's own database (by the host and
 * port as written). Names are resolved, and checked again, at every run.
 * Null when the target is acceptable.
 */
export function targetProblem(
  input: { type: string; url?: string | null; host?: string | null; port?: number | null },
  policy: AddressPolicy,
): string | null {
  if (input.type === "http") {
    if (!input.url) return "a URL is required";
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      return "must be a URL such as https://example.com/health";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return "only http: and https: URLs can be checked";
    const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
    return databaseProblem(url.hostname, port, policy) ?? literalProblem(url.hostname, policy);
  }
  if (input.type === "tcp") {
    const host = (input.host ?? "").trim();
    if (!host) return "a host is required";
    let url: URL;
    try {
      url = new URL(`http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`);
    } catch {
      return "must be a host name or an IP address";
    }
    if (url.username || url.password || url.port || url.pathname !== "/" || url.search || url.hash) {
      return "must be a host name or an IP address, without port or path";
    }
    return (input.port ? databaseProblem(url.hostname, input.port, policy) : null) ??
      literalProblem(url.hostname, policy);
  }
  return null;
}

function databaseProblem(hostname: string, port: number, policy: AddressPolicy): string | null {
  const reason = protectedTarget(hostname, port, policy);
  return reason ? `refused by the ${policy.purpose} policy: ${reason}` : null;
}

function literalProblem(hostname: string, policy: AddressPolicy): string | null {
  const literal = literalAddress(hostname.replace(/^\[|\]$/g, ""));
  if (!literal) return null;
  const reason = refusalReason(literal, policy);
  return reason ? `refused by the ${policy.purpose} policy: ${reason}` : null;
}
