/** JSON lines on stdout: one object per event, easy for Docker and Loki. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether lines at `level` are written: callers skip building fields that would be dropped. */
  enabled(level: LogLevel): boolean;
  /** Writes out lines still buffered; call before the process exits. */
  flush(): void;
}

export interface LineSink {
  write(line: string): void;
  flush(): void;
}

export function createLogger(level: LogLevel = "info", sink: LineSink = bufferedStdout()): Logger {
  const min = ORDER[level];
  const log = (lvl: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[lvl] < min) return;
    sink.write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    enabled: (lvl) => ORDER[lvl] >= min,
    flush: () => sink.flush(),
  };
}

/** A sink that hands each line to `write` at once (tests collect lines this way). */
export function lineSink(write: (line: string) => void): LineSink {
  return { write, flush: () => {} };
}

/**
 * Stdout, batched: one write per event-loop turn (or per 256 lines) instead of
 * one per line. An access-log line per request otherwise costs about as much
 * as serving the request itself (bench/http_bench.ts measures both).
 */
export function bufferedStdout(maxLines = 256): LineSink {
  const encoder = new TextEncoder();
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    let bytes = encoder.encode(lines.join("\n") + "\n");
    lines = [];
    while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
  };
  return {
    write(line) {
      lines.push(line);
      if (lines.length >= maxLines) flush();
      else if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 0);
      }
    },
    flush,
  };
}

/** A logger that drops everything, for tests that do not read the log. */
export const silentLogger: Logger = createLogger("error", lineSink(() => {}));
