/**
 * How much CPU other processes took while a row was measured. On a shared
 * 2-core machine that is the main source of noise, and neither the load
 * average (a minute-long mean) nor a look before the run can see it.
 */

interface Sample {
  /** Ticks of every kind, idle included, summed over all cores: elapsed time × cores. */
  all: number;
  /** Ticks spent running anything (user, system, and steal by other virtual machines). */
  busy: number;
  /** Ticks spent by this process and everything it started. */
  ours: number;
}

/** Starts watching; the function it returns gives the cores' worth of CPU others used since. */
export function watchOtherCpu(): () => number {
  const before = sample();
  return () => {
    const after = sample();
    const all = after.all - before.all;
    const others = after.busy - before.busy - (after.ours - before.ours);
    return all > 0 ? Math.max(0, others / all) * navigator.hardwareConcurrency : 0;
  };
}

function sample(): Sample {
  // The "cpu" line: user nice system idle iowait irq softirq steal. Interrupt time is left
  // out of `busy` because the kernel charges it to no process, and loopback TCP makes plenty.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = Deno.readTextFileSync("/proc/stat")
    .split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return {
    all: user + nice + system + idle + iowait + irq + softirq + steal,
    busy: user + nice + system + steal,
    ours: treeTicks(Deno.pid),
  };
}

/**
 * CPU ticks of `root` and its live descendants. A child that has exited and been
 * waited for (wrk after each run) is counted in its parent's cutime/cstime.
 */
function treeTicks(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // Exited since the directory was listed.
    }
    // Fields after the command name, which is in parentheses and may hold spaces:
    // state ppid ... utime(12) stime(13) cutime(14) cstime(15).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry.name);
    const ppid = Number(fields[1]);
    children.set(ppid, [...children.get(ppid) ?? [], pid]);
    ticks.set(pid, fields.slice(11, 15).map(Number).reduce((a, b) => a + b, 0));
  }
  let total = 0;
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    total += ticks.get(pid) ?? 0;
    pending.push(...children.get(pid) ?? []);
  }
  return total;
}
