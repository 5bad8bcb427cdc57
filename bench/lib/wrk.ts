/**
 * Drives Debian's `wrk` (closed loop: each connection sends its next request
 * when the previous answer arrives) and reads the JSON line report.lua prints.
 */
import { fileURLToPath } from "node:url";
import { expectOk } from "./api.ts";
import { watchOtherCpu } from "./cpu.ts";
import { startBareHono } from "./servers.ts";

const REPORT_SCRIPT = fileURLToPath(new URL("./report.lua", import.meta.url));

export interface WrkSettings {
  threads: number;
  connections: number;
  /** Discarded first run: lets V8 optimise the hot path and the pool open its connections. */
  warmupSeconds: number;
  seconds: number;
}

/**
 * The machine has 2 cores shared by wrk, the server and PostgreSQL: one wrk
 * thread leaves the server a core, and 32 connections keep it saturated.
 */
export const SETTINGS: WrkSettings = { threads: 1, connections: 32, warmupSeconds: 2, seconds: 10 };

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Socket errors, timeouts and non-2xx/3xx answers: any of these makes the row suspect. */
  errors: number;
}

export interface Measurement extends WrkResult {
  /** Cores' worth of CPU that processes outside this bench used during the measured run. */
  otherCores: number;
}

/** wrk's version, or undefined when wrk is not installed. */
export async function wrkVersion(): Promise<string | undefined> {
  try {
    // `wrk -v` prints its version line and exits 1, so the status says nothing.
    const out = await new Deno.Command("wrk", { args: ["-v"], stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).match(/^wrk (\S+)/)?.[1] ?? "unknown version";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Another method than GET, with a body. */
export interface WrkRequest {
  method: string;
  body: string;
}

/** A warm-up run, then the measured run; `headers` go with every request (e.g. Authorization). */
export async function measure(
  url: string,
  settings: WrkSettings = SETTINGS,
  headers: Record<string, string> = {},
  request?: WrkRequest,
): Promise<Measurement> {
  await run(url, settings, settings.warmupSeconds, headers, request);
  const otherCores = watchOtherCpu();
  const result = await run(url, settings, settings.seconds, headers, request);
  return { ...result, otherCores: otherCores() };
}

/** `measure`, after checking that the route answers 2xx; `label` goes to stderr as progress. */
export async function measureChecked(
  label: string,
  url: string,
  headers: Record<string, string> = {},
  request?: WrkRequest,
  settings: WrkSettings = SETTINGS,
): Promise<Measurement> {
  await expectOk(url, headers, request);
  console.error(`bench: ${label}…`);
  return await measure(url, settings, headers, request);
}

/** The baseline: bare Hono's `GET /`, its server started for the measurement and stopped after. */
export async function measureBareHono(): Promise<Measurement> {
  const bare = await startBareHono();
  try {
    return await measureChecked("bare Hono GET /", `${bare.url}/`);
  } finally {
    await bare.stop();
  }
}

async function run(
  url: string,
  settings: WrkSettings,
  seconds: number,
  headers: Record<string, string>,
  request?: WrkRequest,
): Promise<WrkResult> {
  const out = await new Deno.Command("wrk", {
    args: [
      `-t${settings.threads}`,
      `-c${settings.connections}`,
      `-d${seconds}s`,
      "--timeout",
      "5s",
      "-s",
      REPORT_SCRIPT,
      ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
      url,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: request ? { WRK_METHOD: request.method, WRK_BODY: request.body } : {},
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!out.success || !line) {
    throw new Error(`wrk failed on ${url}: ${new TextDecoder().decode(out.stderr).trim() || stdout.trim()}`);
  }
  const raw = JSON.parse(line.slice("WRK_JSON ".length));
  const ms = (us: number) => us / 1000;
  return {
    requestsPerSecond: raw.requests / (raw.duration_us / 1e6),
    p50Ms: ms(raw.p50_us),
    p90Ms: ms(raw.p90_us),
    p99Ms: ms(raw.p99_us),
    maxMs: ms(raw.max_us),
    requests: raw.requests,
    errors: Object.values(raw.errors as Record<string, number>).reduce((a, b) => a + b, 0),
  };
}
