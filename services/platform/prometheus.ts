/**
 * A minimal Prometheus registry: counters, gauges and histograms with labels,
 * rendered in the text exposition format (version 0.0.4).
 */
type Labels = Record<string, string>;

interface Metric {
  render(): string[];
}

function key(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}="${escapeLabel(labels[k])}"`).join(",");
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function series(name: string, labelKey: string, value: number): string {
  return `${name}${labelKey ? `{${labelKey}}` : ""} ${Number.isFinite(value) ? value : 0}`;
}

export class Counter implements Metric {
  #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1) {
    const k = key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.#values) out.push(series(this.name, k, v));
    return out;
  }
}

/** A gauge whose values are read when `/metrics` is scraped. */
export class Gauge implements Metric {
  #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  set(labels: Labels, value: number) {
    this.#values.set(key(labels), value);
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, v] of this.#values) out.push(series(this.name, k, v));
    return out;
  }
}

export class Histogram implements Metric {
  #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}

  observe(labels: Labels, value: number) {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.#series) {
      const prefix = k ? `${k},` : "";
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket{${prefix}le="${b}"} ${s.counts[i]}`));
      out.push(`${this.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      out.push(series(`${this.name}_sum`, k, s.sum));
      out.push(series(`${this.name}_count`, k, s.count));
    }
    return out;
  }
}

export class Registry {
  #metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }

  render(): string {
    return this.#metrics.flatMap((m) => m.render()).join("\n") + "\n";
  }
}

/** The HTTP metrics every Opsdeck process exposes. */
export function createHttpMetrics(registry = new Registry()) {
  return {
    registry,
    requests: registry.register(
      new Counter("opsdeck_http_requests_total", "HTTP requests by method, route and status"),
    ),
    duration: registry.register(
      new Histogram("opsdeck_http_request_duration_seconds", "HTTP request latency by route", [
        0.001,
        0.0025,
        0.005,
        0.01,
        0.025,
        0.05,
        0.1,
        0.25,
        0.5,
        1,
        2.5,
        5,
        10,
      ]),
    ),
    poolConnections: registry.register(
      new Gauge("opsdeck_db_pool_connections", "Database connections of this process by state (read at scrape time)"),
    ),
    poolMax: registry.register(new Gauge("opsdeck_db_pool_max", "Configured maximum size of the database pool")),
    dbWait: registry.register(
      new Histogram(
        "opsdeck_db_request_wait_seconds",
        "Time a request waited for its turn at the database (0 when it went straight on)",
        [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ),
    ),
    dbErrors: registry.register(
      new Counter(
        "opsdeck_db_errors_total",
        "Requests that failed on the database by kind: unreachable, timeout, overloaded, disk_full, read_only",
      ),
    ),
    rejected: registry.register(
      new Counter(
        "opsdeck_http_rejected_total",
        "Requests answered 503 without (or after) waiting: queue_full, deadline",
      ),
    ),
  };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
