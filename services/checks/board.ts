/**
 * The status board's data: the visible checks (grouped by client and
 * project), their hourly bars over the last day and their 24-hour uptime.
 * A page is read in one pipelined transaction (its snapshot, its rows, the
 * counts) and then only the bars and uptime of the rows that need them.
 *
 * The 5-s poll sends back the version it was given with the last answer: the
 * PostgreSQL snapshot that answer was read in and a digest of the page's
 * layout and counts. It reads the page's places first (no newest-result
 * lookups); rows that no transaction since that snapshot wrote are not read
 * or sent again; a new layout (a check added, removed, renamed or moved,
 * another hour's bars) sends the whole page (docs/performance.md).
 */
import type { Sql } from "../../db/client.ts";
import {
  boardChecks,
  boardChecksById,
  boardCounts,
  type BoardKey,
  type BoardKeyRow,
  boardKeys,
  type BoardPageQuery,
  boardSnapshot,
  type CheckStatus,
  type HealthCheckRow,
} from "../../db/queries/health_checks.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { decodeCursor, encodeCursor } from "../platform/pagination.ts";
import { type Bar, statusBars, uptime } from "./history.ts";

/**
 * Checks per page of the board: a few screenfuls. Beyond it the board pages
 * by keyset (every check is on some page, none is dropped, and a page does
 * not shift when checks are added before it), so a page stays small however
 * many checks there are.
 */
export const BOARD_PAGE_SIZE = 200;

/** The bars: one per hour over the last day (read from the hourly roll-ups). */
export const BAR_COUNT = 24;
export const BAR_SECONDS = 3600;

export interface BoardRow {
  check: HealthCheckRow;
  bars: Bar[];
  uptime24: number | null;
}

export interface BoardGroup {
  clientName: string;
  projectId: string;
  projectName: string;
  rows: BoardRow[];
}

export interface BoardFilters {
  project_id?: string;
  /** An environment name, across projects (any case). */
  environment?: string;
  status?: CheckStatus | "paused";
  /** Keyset cursors (readBoardCursor): the page after or before a row. */
  after?: BoardKey;
  before?: BoardKey;
}

export type BoardCounts = Record<"up" | "down" | "degraded" | "unknown" | "paused", number>;

export interface BoardData {
  groups: BoardGroup[];
  /** Checks on the whole board (all pages) and per shown status. */
  total: number;
  counts: BoardCounts;
  /** 1-based place of the page's first check on the whole board, and how many it shows. */
  first: number;
  shown: number;
  /** Cursors of the neighbouring pages, null at either end. */
  prev: string | null;
  next: string | null;
  /** What the reader now holds; the poll sends it back (boardChanges). */
  version: string;
}

/** The rows of a poll that changed since the version it sent, or the whole page when its layout changed. */
export type BoardChanges =
  | { kind: "page"; data: BoardData }
  | { kind: "rows"; rows: BoardRow[]; counts: BoardCounts | null; total: number; version: string };

const KEY_SHAPE = ["string", "string", "string", "string", "string", "string"] as const;

/** A cursor from the URL, or undefined when it was not one this board gave out. */
export function readBoardCursor(text: string | undefined): BoardKey | undefined {
  if (!text) return undefined;
  try {
    return decodeCursor(text, KEY_SHAPE) as BoardKey;
  } catch {
    return undefined;
  }
}

export const boardCursor = (key: BoardKey) => encodeCursor(key);

const keyOf = (c: BoardKeyRow | HealthCheckRow): BoardKey => [
  c.client_name,
  c.client_id,
  c.project_name,
  c.project_id,
  c.name,
  c.id,
];

export async function boardData(
  sql: Sql,
  principal: Principal,
  filters: BoardFilters,
  now: Date,
): Promise<BoardData> {
  const page = await readPage(sql, principal, filters, now, boardChecks);
  return await wholePage(sql, principal, page, page.checks, now);
}

export async function boardChanges(
  sql: Sql,
  principal: Principal,
  filters: BoardFilters,
  now: Date,
  version: string,
): Promise<BoardChanges> {
  const seen = parseVersion(version);
  const page = await readPage(
    sql,
    principal,
    filters,
    now,
    (tx, tenantId, query) => boardKeys(tx, tenantId, { ...query, seenIn: seen?.snapshot }),
  );
  const tenantId = principal.tenantId;
  if (!seen || seen.layout !== page.layout) {
    const rows = fullRows(sql, tenantId, page.checks.map((c) => c.id));
    return { kind: "page", data: await wholePage(sql, principal, page, rows, now) };
  }
  const changed = page.checks.filter((c) => c.changed);
  return {
    kind: "rows",
    rows: await decorate(sql, tenantId, changed, fullRows(sql, tenantId, changed.map((c) => c.id)), now),
    counts: seen.counts === page.countsDigest ? null : page.counts,
    total: page.total,
    version: page.version,
  };
}

/** The rows of `ids` in that order (a row deleted since is left out). */
async function fullRows(sql: Sql, tenantId: string, ids: string[]): Promise<HealthCheckRow[]> {
  if (ids.length === 0) return [];
  const rows = await withTenant(sql, tenantId, (tx) => boardChecksById(tx, tenantId, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

type PageRead<R> = (tx: Sql, tenantId: string, query: BoardPageQuery) => Promise<R[]>;
type Page = Awaited<ReturnType<typeof readPage>>;

async function readPage<R extends BoardKeyRow | HealthCheckRow>(
  sql: Sql,
  principal: Principal,
  filters: BoardFilters,
  now: Date,
  read: PageRead<R>,
) {
  authorize(principal, "health_checks", "read");
  const tenantId = principal.tenantId;
  const query = {
    projectId: filters.project_id,
    environment: filters.environment,
    status: filters.status,
    clientId: principal.clientId,
  };
  const after = filters.after;
  const before = after ? undefined : filters.before;
  const [snapshot, rows, counted] = await withTenant(sql, tenantId, (tx) =>
    Promise.all([
      boardSnapshot(tx),
      read(tx, tenantId, { ...query, after, before, limit: BOARD_PAGE_SIZE }),
      boardCounts(tx, tenantId, { ...query, after, before }),
    ]));
  const more = rows.length > BOARD_PAGE_SIZE;
  const checks = rows.slice(0, BOARD_PAGE_SIZE);
  if (before) checks.reverse();
  const counts: BoardCounts = { up: 0, down: 0, degraded: 0, unknown: 0, paused: 0, ...counted.counts };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const first = before ? counted.ahead - checks.length + 1 : counted.ahead + 1;
  const hasPrev = before ? more : Boolean(after) && counted.ahead > 0;
  const hasNext = before ? total > counted.ahead : more;
  const prev = hasPrev && checks.length ? boardCursor(keyOf(checks[0])) : null;
  const next = hasNext && checks.length ? boardCursor(keyOf(checks.at(-1)!)) : null;
  // The bars move on every hour, so a new hour is a new layout.
  const hour = Math.floor(now.getTime() / (BAR_SECONDS * 1000));
  const layout = await digest([hour, first, total, prev, next, checks.map((c) => c.id)]);
  const countsDigest = await digest(counts);
  return {
    checks,
    counts,
    total,
    first,
    prev,
    next,
    layout,
    countsDigest,
    version: `${snapshot}~${layout}~${countsDigest}`,
  };
}

async function wholePage(
  sql: Sql,
  principal: Principal,
  page: Page,
  checks: Promise<HealthCheckRow[]> | HealthCheckRow[],
  now: Date,
): Promise<BoardData> {
  const rows = await decorate(sql, principal.tenantId, page.checks, checks, now);
  const groups: BoardGroup[] = [];
  for (const row of rows) {
    const check = row.check;
    let group = groups.at(-1);
    if (group?.projectId !== check.project_id) {
      group = { clientName: check.client_name, projectId: check.project_id, projectName: check.project_name, rows: [] };
      groups.push(group);
    }
    group.rows.push(row);
  }
  const { counts, total, first, prev, next, version } = page;
  return { groups, counts, total, first, shown: rows.length, prev, next, version };
}

/**
 * The rows with their bars and 24-hour uptime. Those need only the places
 * (id, project), so they are read while the rows themselves still arrive.
 */
async function decorate(
  sql: Sql,
  tenantId: string,
  places: Pick<HealthCheckRow, "id" | "project_id">[],
  checks: Promise<HealthCheckRow[]> | HealthCheckRow[],
  now: Date,
): Promise<BoardRow[]> {
  if (places.length === 0) return [];
  const ids = places.map((c) => c.id);
  // Two transactions on two pool connections: the bars and the uptime figures are read in parallel.
  const [rows, bars, figures] = await Promise.all([
    checks,
    withTenant(sql, tenantId, (tx) => statusBars(tx, tenantId, ids, now, BAR_COUNT, BAR_SECONDS)),
    withTenant(
      sql,
      tenantId,
      (tx) => uptime(tx, tenantId, places.map((c) => ({ id: c.id, projectId: c.project_id })), now, ["h24"]),
    ),
  ]);
  return rows.map((check) => ({
    check,
    bars: bars.get(check.id) ?? [],
    uptime24: figures.get(check.id)?.h24 ?? null,
  }));
}

const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20}){0,2000})?$/;

/** A version sent back by a poll; a hand-made or mangled one gets the whole page. */
function parseVersion(version: string) {
  const [snapshot, layout, counts, ...rest] = version.split("~");
  if (rest.length || !SNAPSHOT.test(snapshot ?? "") || !layout || !counts) return undefined;
  return { snapshot, layout, counts };
}

async function digest(value: unknown): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value)));
  return Array.from(new Uint8Array(bytes).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}
