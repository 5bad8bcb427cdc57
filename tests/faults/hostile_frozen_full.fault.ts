/**
 * Three faults on one PostgreSQL and two replicas (set up once: a replica
 * takes seconds to start).
 * F4: hostile probe targets (hang, slowloris, endless body, huge headers,
 * redirect loop, TLS garbage): every run ends within the check's timeout and
 * reads a bounded number of bytes, and healthy checks keep their schedule.
 * F13: the disk under a table fills up (a tablespace on a tiny tmpfs): writes
 * answer 503 naming the full disk, every acknowledged write is there, and
 * writes work again once space is freed.
 * F2: PostgreSQL frozen (SIGSTOP): requests answer 503 with Retry-After at the
 * request deadline instead of hanging, work resumes after SIGCONT, and no
 * check runs twice in one interval though every lease expired meanwhile.
 */
import { assert, assertEquals } from "@std/assert";
import {
  doubledRuns,
  faultWorld,
  insertChecks,
  resultTimes,
  sleep,
  startReplica,
  startTargets,
  until,
} from "./_world.ts";
import { startHostileTargets } from "./_hostile.ts";
import { mountTinyTmpfs } from "./_tmpfs.ts";

const REQUEST_TIMEOUT_MS = 3_000;
const PROBE_TIMEOUT_MS = 2_000;
const HEALTHY_INTERVAL_S = 2;

Deno.test("F4, F13, F2: hostile targets, a full disk, a frozen database", async (t) => {
  const w = await faultWorld();
  const targets = startTargets();
  const hostile = startHostileTargets();
  const replicas = await Promise.all(
    ["a", "b"].map((n) => startReplica(n, w.pg.url, { OPSDECK_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) })),
  );
  const api = (method = "GET", body?: unknown, r = replicas[0]) =>
    fetch(`${r.url}/api/v1/clients`, {
      method,
      headers: { ...w.alice.bearer, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
  try {
    const healthy = await insertChecks(w, { count: 4, url: `${targets.url}/ok`, intervalSeconds: HEALTHY_INTERVAL_S });

    /** Gaps between consecutive runs of the healthy checks from `from` to `to` (ms). */
    const healthyGaps = async (from: number, to: number) => {
      const times = await resultTimes(w);
      return healthy.flatMap((id) => {
        const ts = (times.get(id) ?? []).filter((x) => x >= from && x <= to);
        return ts.slice(1).map((x, i) => x - ts[i]);
      });
    };

    await t.step("F4: hostile targets stay within the time and byte limits; other checks keep time", async () => {
      // The healthy checks' own rhythm on this machine first, to compare with.
      const baselineFrom = Date.now();
      await until(async () => (await healthyGaps(baselineFrom, Date.now())).length >= healthy.length * 3, 30_000);
      const baseline = await healthyGaps(baselineFrom, Date.now());
      const hostileIds = new Map<string, string>();
      for (const target of hostile.targets) {
        const [id] = await insertChecks(w, {
          count: 1,
          url: target.url,
          intervalSeconds: 4,
          timeoutMs: PROBE_TIMEOUT_MS,
        });
        hostileIds.set(target.kind, id);
      }
      const since = Date.now();
      const hostileRuns = () =>
        w.pg.admin<{ check_id: string; status: string; detail: string | null }[]>`
          SELECT check_id, status, detail FROM check_results WHERE check_id = ANY (${[
          ...hostileIds.values(),
        ]}::uuid[])`;
      let rows: { check_id: string; status: string; detail: string | null }[] = [];
      const twice = async () => {
        rows = await hostileRuns();
        return [...hostileIds.values()].every((id) => rows.filter((r) => r.check_id === id).length >= 2);
      };
      assert(await until(twice, 30_000), "every hostile check ran twice");
      const lines: string[] = [];
      for (const target of hostile.targets) {
        const runs = rows.filter((r) => r.check_id === hostileIds.get(target.kind));
        // An endless body behind a 200 is up: its first 64 KiB are judged. Every other kind is down, saying why.
        const expected = target.kind === "endless_body" ? "up" : "down";
        assert(runs.every((r) => r.status === expected), `${target.kind}: ${JSON.stringify(runs[0])}`);
        const maxBytes = Math.max(0, ...target.ended.map((e) => e.bytes));
        const maxMs = Math.max(0, ...target.ended.map((e) => e.ms));
        lines.push(
          `${target.kind}: ${runs.length} runs, ${runs[0].status} "${runs[0].detail}", held ≤ ${
            Math.round(maxMs)
          } ms, ` +
            `≤ ${(maxBytes / 1024).toFixed(0)} KiB written`,
        );
        // The probe hangs up at its timeout; a little slack for the scheduler's own turn.
        assert(maxMs < PROBE_TIMEOUT_MS + 1_500, `${target.kind}: connection held ${maxMs} ms`);
        // 64 KiB of head or body is read; the rest is what loopback socket buffers took before the close.
        assert(maxBytes < 16 * 1024 * 1024, `${target.kind}: ${maxBytes} bytes written before the hang-up`);
      }
      const gaps = await healthyGaps(since, Date.now());
      const rss = replicas.map((r) =>
        Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${r.pid}/status`))![1])
      );
      console.log(
        `F4: ${lines.join("; ")}. Healthy checks every ${HEALTHY_INTERVAL_S} s: largest gap ` +
          `${Math.max(...gaps)} ms over ${gaps.length} gaps (before the hostile ones: ${
            Math.max(...baseline)
          } ms over ` +
          `${baseline.length}); replica RSS ${rss.map((k) => Math.round(k / 1024))} MiB`,
      );
      assert(gaps.length >= healthy.length, "healthy checks kept running");
      // A hostile target holds at most its own check, for at most its timeout: never a healthy check past that.
      assert(Math.max(...gaps) < Math.max(...baseline) + PROBE_TIMEOUT_MS, "healthy checks kept their schedule");
      await w.pg.admin`DELETE FROM health_checks WHERE id = ANY (${[...hostileIds.values()]}::uuid[])`;
    });

    await t.step(
      "F13: disk full: one clear 503, nothing acknowledged lost, writes again once space is freed",
      async () => {
        const tiny = await mountTinyTmpfs(2);
        if (!tiny) {
          console.log("F13: skipped: mounting a tmpfs needs root (or sudo -n)");
          return;
        }
        try {
          await w.pg.admin.unsafe(`CREATE TABLESPACE tiny LOCATION '${tiny.dir}'`);
          await w.pg.admin.unsafe("ALTER TABLE clients SET TABLESPACE tiny");
          // Fill what is left with a table of the operator's, then write through the API until the disk refuses.
          await w.pg.admin.unsafe("CREATE TABLE ballast (pad text) TABLESPACE tiny");
          await w.pg.admin.unsafe("INSERT INTO ballast SELECT repeat('x', 1800) FROM generate_series(1, 2000)")
            .catch(() => {});
          const acknowledged: string[] = [];
          let problem: { detail: string } | undefined;
          let refused: Response | undefined;
          for (let i = 0; i < 400 && !problem; i++) {
            const res = await api("POST", { name: `Full ${i}` });
            if (res.status === 201) acknowledged.push((await res.json()).id);
            else {
              // A write that ran past the request deadline (a busy machine) is not acknowledged either.
              const body = await res.json();
              if (body.detail?.includes("disk")) [problem, refused] = [body, res];
            }
          }
          assert(refused && problem, "the disk filled up");
          assertEquals(refused.status, 503);
          assertEquals(refused.headers.get("content-type"), "application/problem+json");
          assert(problem.detail.includes("out of disk space"), problem.detail);
          assert(refused.headers.get("retry-after"), "says when to try again");
          // The replica writes its warning as it answers; its output reaches us through a pipe a moment later.
          const fullDisk = () => replicas.flatMap((r) => r.lines).filter((l) => /No space left on device/.test(l));
          assert(await until(() => fullDisk().length >= 1, 5_000), "a log line names the full disk");
          const lines = fullDisk();
          assertEquals((await api()).status, 200, "reading still works");
          const stored = await w.pg.admin<{ n: number }[]>`
          SELECT count(*)::int AS n FROM clients WHERE id = ANY (${acknowledged}::uuid[])`;
          assertEquals(stored[0].n, acknowledged.length, "every acknowledged write is stored");

          await w.pg.admin.unsafe("DROP TABLE ballast");
          const freedAt = Date.now();
          let back: Response | undefined;
          await until(async () => (back = await api("POST", { name: "Space again" })).status === 201, 15_000);
          assertEquals(back!.status, 201, "writes work once space is freed");
          console.log(
            `F13: ${acknowledged.length} writes acknowledged before the disk filled, all stored; 503 "${problem.detail}"; ` +
              `first write ${Date.now() - freedAt} ms after space was freed. Log: ${lines[0].slice(0, 160)}`,
          );
        } finally {
          await w.pg.admin.unsafe("DROP TABLE IF EXISTS ballast").catch(() => {});
          await w.pg.admin.unsafe("ALTER TABLE clients SET TABLESPACE pg_default").catch(() => {});
          await w.pg.admin.unsafe("DROP TABLESPACE IF EXISTS tiny").catch(() => {});
          await tiny.unmount();
        }
      },
    );

    await t.step("F2: frozen database: 503 at the deadline, pool back after SIGCONT, no double work", async () => {
      assertEquals((await api()).status, 200);
      w.pg.freeze();
      const frozenAt = Date.now();
      const answered: { status: number; ms: number; retryAfter: string | null }[] = [];
      try {
        // A request now, one after the leases (9 s) ran out.
        for (const wait of [0, 10_000]) {
          await sleep(wait);
          const at = Date.now();
          const res = await api();
          await res.body?.cancel();
          answered.push({ status: res.status, ms: Date.now() - at, retryAfter: res.headers.get("retry-after") });
        }
      } finally {
        w.pg.thaw();
      }
      const thawedAt = Date.now();
      const frozenMs = thawedAt - frozenAt;
      for (const a of answered) {
        assertEquals(a.status, 503);
        assert(a.retryAfter, "503 says when to try again");
        assert(a.ms < REQUEST_TIMEOUT_MS + 1_000, `answered in ${a.ms} ms, not held`);
      }
      assert(await until(async () => (await api()).status === 200, 15_000), "the API answers again");
      const apiBackMs = Date.now() - thawedAt;
      const probedAgain = async () => {
        const times = await resultTimes(w);
        return healthy.every((id) => (times.get(id) ?? []).some((x) => x > thawedAt));
      };
      assert(await until(probedAgain, 15_000), "every check runs again");
      const probesBackMs = Date.now() - thawedAt;
      await sleep(HEALTHY_INTERVAL_S * 2_000);
      const times = await resultTimes(w);
      const doubled = healthy.filter((id) => doubledRuns(id, times.get(id) ?? [], HEALTHY_INTERVAL_S * 1000) > 0);
      console.log(
        `F2: frozen ${frozenMs} ms: requests answered ${
          answered.map((a) => `${a.status} in ${a.ms} ms`).join(", ")
        }; ` +
          `API 200 again ${apiBackMs} ms after SIGCONT, every check probed again within ${probesBackMs} ms`,
      );
      assertEquals(doubled, [], "no check ran twice in one interval");
    });
  } finally {
    await Promise.all(replicas.map((r) => r.kill("SIGKILL")));
    hostile.stop();
    await targets.stop();
    await w.dispose();
  }
});
