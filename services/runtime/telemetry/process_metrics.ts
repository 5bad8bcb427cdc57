/**
 * The process itself, in the names Prometheus client libraries use
 * (process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds,
 * process_start_time_seconds), plus heap, event-loop lag and build info.
 * Read when /metrics is scraped; the lag comes from a 200 ms timer that
 * `startLagSampler` runs in the serving process.
 */
import process from "node:process";
import { Counter, Gauge, type Registry } from "../../platform/prometheus.ts";

export interface BuildInfo {
  version: string;
  revision: string;
}

const LAG_INTERVAL_MS = 200;

export function createProcessMetrics(registry: Registry, build: BuildInfo) {
  const startedAt = Date.now() / 1000 - performance.now() / 1000;
  const cpu = registry.register(new Counter("process_cpu_seconds_total", "User and system CPU time spent"));
  const rss = registry.register(new Gauge("process_resident_memory_bytes", "Resident memory size"));
  const heapUsed = registry.register(new Gauge("opsdeck_heap_used_bytes", "V8 heap in use"));
  const heapTotal = registry.register(new Gauge("opsdeck_heap_total_bytes", "V8 heap reserved"));
  const fds = registry.register(new Gauge("process_open_fds", "Open file descriptors (Linux)"));
  const start = registry.register(new Gauge("process_start_time_seconds", "Unix time the process started"));
  const lag = registry.register(
    new Gauge("opsdeck_event_loop_lag_seconds", "Longest event-loop delay seen since the previous scrape"),
  );
  const info = registry.register(
    new Gauge("opsdeck_build_info", "The running build: version, git revision, Deno, V8 and TypeScript versions"),
  );
  info.set({ ...build, deno: Deno.version.deno, v8: Deno.version.v8, typescript: Deno.version.typescript }, 1);
  let worstLag = 0;
  let lastCpu = 0;
  return {
    /** Reads the current figures into the gauges; called just before rendering. */
    sample() {
      const usage = process.cpuUsage();
      const seconds = (usage.user + usage.system) / 1e6;
      cpu.inc({}, Math.max(0, seconds - lastCpu));
      lastCpu = Math.max(lastCpu, seconds);
      const memory = Deno.memoryUsage();
      rss.set({}, memory.rss);
      heapUsed.set({}, memory.heapUsed);
      heapTotal.set({}, memory.heapTotal);
      const open = countOpenFds();
      if (open !== null) fds.set({}, open);
      start.set({}, Math.round(startedAt));
      lag.set({}, worstLag);
      worstLag = 0;
    },
    /** Measures how late a 200 ms timer fires; returns the stop function. */
    startLagSampler(): () => void {
      let expected = performance.now() + LAG_INTERVAL_MS;
      const timer = setInterval(() => {
        const now = performance.now();
        worstLag = Math.max(worstLag, Math.max(0, now - expected) / 1000);
        expected = now + LAG_INTERVAL_MS;
      }, LAG_INTERVAL_MS);
      Deno.unrefTimer(timer);
      return () => clearInterval(timer);
    },
  };
}

function countOpenFds(): number | null {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
    return n;
  } catch {
    return null;
  }
}
