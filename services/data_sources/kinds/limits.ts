/** The run limits SQL sources share: settings with bounds, and the limits a run gets from them. */
import { z } from "@hono/zod-openapi";
import type { RunLimits } from "./types.ts";

export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 60;
export const DEFAULT_ROW_LIMIT = 10_000;
export const MAX_ROW_LIMIT = 100_000;
/** 32 MiB of JSON: beyond it a result is truncated however few rows it has. */
export const MAX_RESULT_BYTES = 32 * 1024 * 1024;

export const limitFields = {
  timeout_seconds: z.int().min(1).max(MAX_TIMEOUT_SECONDS, `must be at most ${MAX_TIMEOUT_SECONDS} seconds`)
    .default(DEFAULT_TIMEOUT_SECONDS).openapi({ description: "statement timeout per query", example: 10 }),
  row_limit: z.int().min(1).max(MAX_ROW_LIMIT).default(DEFAULT_ROW_LIMIT)
    .openapi({ description: "rows read at most per run; the result says truncated", example: 10000 }),
};

export function limitsOf(config: Record<string, unknown>, maxRows?: number): RunLimits {
  const rowLimit = Number(config.row_limit ?? DEFAULT_ROW_LIMIT);
  return {
    timeoutMs: Number(config.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    maxRows: Math.min(rowLimit, maxRows ?? rowLimit),
    maxBytes: MAX_RESULT_BYTES,
  };
}
