/**
 * People watching the status board while the scheduler works: each viewer
 * opens the board page, then polls it every 5 s with the version it was
 * given, as the page's htmx poll does. Their requests are timed; what they
 * cost the scheduler shows in its lag (bench/checks_scheduler_bench.ts).
 */
const POLL_MS = 5_000;

export interface Viewers {
  /** Stops polling; resolves with every page and poll time (ms) and how many failed. */
  stop(): Promise<{ pages: number[]; polls: number[]; failed: number }>;
}

const versionIn = (body: string) => body.match(/name="v" value="([^"]+)"/)?.[1];

export function startBoardViewers(url: string, sessionToken: string, count: number): Viewers {
  const headers = { Cookie: `opsdeck_session=${sessionToken}`, Accept: "text/html" };
  const pages: number[] = [];
  const polls: number[] = [];
  let failed = 0;
  let stopped = false;
  const timed = async (path: string, extra: Record<string, string>, into: number[]) => {
    const started = performance.now();
    try {
      const res = await fetch(`${url}${path}`, { headers: { ...headers, ...extra } });
      const body = await res.text();
      if (!res.ok) failed++;
      else into.push(performance.now() - started);
      return body;
    } catch {
      failed++;
      return "";
    }
  };
  const viewer = async (i: number) => {
    // spread over one poll interval, as people do not open the page at the same instant
    await new Promise((r) => setTimeout(r, (POLL_MS * i) / count));
    let version = versionIn(await timed("/checks", {}, pages));
    while (!stopped) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (stopped) break;
      const path = version ? `/checks?v=${encodeURIComponent(version)}` : "/checks";
      version = versionIn(await timed(path, { "HX-Request": "true" }, polls)) ?? version;
    }
  };
  const running = Array.from({ length: count }, (_, i) => viewer(i));
  return {
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { pages, polls, failed };
    },
  };
}
