import { assertEquals, assertThrows } from "@std/assert";
import { isValidTimezone, nextRun, parseCron } from "../../services/checks/cron.ts";

const next = (expr: string, tz: string, after: string) => nextRun(parseCron(expr), tz, new Date(after)).toISOString();

Deno.test("parseCron accepts lists, ranges, steps, names and aliases", () => {
  const s = parseCron("0,30 9-17/2 * jan-mar mon-fri");
  assertEquals([...s.minutes], [0, 30]);
  assertEquals([...s.hours], [9, 11, 13, 15, 17]);
  assertEquals([...s.months], [1, 2, 3]);
  assertEquals([...s.daysOfWeek], [1, 2, 3, 4, 5]);
  assertEquals([...parseCron("5/20 * * * *").minutes], [5, 25, 45]);
  assertEquals([...parseCron("0 0 * * 7").daysOfWeek], [0]);
  assertEquals(parseCron("@hourly"), parseCron("0 * * * *"));
  assertEquals(parseCron("@daily"), parseCron("0 0 * * *"));
  assertEquals(parseCron("@weekly"), parseCron("0 0 * * 0"));
});

Deno.test("parseCron refuses bad input with a message naming the problem", () => {
  const message = (expr: string) => {
    try {
      parseCron(expr);
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assertEquals(
    message("* * * *"),
    "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 4",
  );
  assertEquals(message("60 * * * *"), "minute: 60 is outside 0-59");
  assertEquals(message("* 24 * * *"), "hour: 24 is outside 0-23");
  assertEquals(message("* * 0 * *"), "day of month: 0 is outside 1-31");
  assertEquals(message("* * * foo *"), 'month: "foo" is not a number');
  assertEquals(message("*/0 * * * *"), 'minute: step "0" must be a positive whole number');
  assertEquals(message("5-1 * * * *"), 'minute: range "5-1" goes backwards');
  assertEquals(
    message("@often"),
    'unknown cron alias "@often" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)',
  );
  assertThrows(() => nextRun(parseCron("0 0 31 2 *"), "UTC", new Date()), Error, "never fires");
});

Deno.test("nextRun is strictly after the given instant, in UTC", () => {
  assertEquals(next("*/15 * * * *", "UTC", "2026-06-01T12:00:00Z"), "2026-06-01T12:15:00.000Z");
  assertEquals(next("*/15 * * * *", "UTC", "2026-06-01T12:14:59.999Z"), "2026-06-01T12:15:00.000Z");
  assertEquals(next("@hourly", "UTC", "2026-12-31T23:30:00Z"), "2027-01-01T00:00:00.000Z");
  assertEquals(next("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
});

Deno.test("day of month and day of week both restricted: either matches (Vixie cron)", () => {
  // 2026-06-01 is a Monday; the 15th is a Monday too, the 5th a Friday
  assertEquals(next("0 8 13 * fri", "UTC", "2026-06-01T12:00:00Z"), "2026-06-05T08:00:00.000Z");
  assertEquals(next("0 8 3 * fri", "UTC", "2026-06-01T12:00:00Z"), "2026-06-03T08:00:00.000Z");
});

Deno.test("Europe/Berlin spring forward: 02:30 does not exist and runs at 03:00 CEST, once", () => {
  assertEquals(next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z"), "2026-03-29T01:00:00.000Z");
  // every 15 minutes across the gap: 01:45 CET, then 03:00 CEST (02:00-02:45 collapse into it), then 03:15
  assertEquals(next("*/15 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z"), "2026-03-29T00:45:00.000Z");
  assertEquals(next("*/15 * * * *", "Europe/Berlin", "2026-03-29T00:45:00Z"), "2026-03-29T01:00:00.000Z");
  assertEquals(next("*/15 * * * *", "Europe/Berlin", "2026-03-29T01:00:00Z"), "2026-03-29T01:15:00.000Z");
  // the day after, 02:30 exists again
  assertEquals(next("30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z"), "2026-03-30T00:30:00.000Z");
});

Deno.test("Europe/Berlin fall back: 02:30 happens twice and runs once, at the first", () => {
  assertEquals(next("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z"), "2026-10-25T00:30:00.000Z");
  assertEquals(next("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z"), "2026-10-26T01:30:00.000Z");
  // from inside the repeated hour (02:10 CET) the earlier 02:30 is past: next day
  assertEquals(next("30 2 * * *", "Europe/Berlin", "2026-10-25T01:10:00Z"), "2026-10-26T01:30:00.000Z");
  // daily 09:00 stays 09:00 local: 07:00Z in summer, 08:00Z in winter
  assertEquals(next("0 9 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z"), "2026-10-25T08:00:00.000Z");
});

Deno.test("America/New_York: 09:00 local across both changes, 02:30 in the spring gap runs at 03:00", () => {
  assertEquals(next("0 9 * * 1-5", "America/New_York", "2026-03-06T20:00:00Z"), "2026-03-09T13:00:00.000Z");
  assertEquals(next("0 9 * * 1-5", "America/New_York", "2026-03-05T20:00:00Z"), "2026-03-06T14:00:00.000Z");
  assertEquals(next("30 2 * * *", "America/New_York", "2026-03-08T05:00:00Z"), "2026-03-08T07:00:00.000Z");
  assertEquals(next("0 9 * * *", "America/New_York", "2026-10-31T20:00:00Z"), "2026-11-01T14:00:00.000Z");
  // 01:30 happens twice on 2026-11-01: once, at 01:30 EDT (05:30Z)
  assertEquals(next("30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z"), "2026-11-01T05:30:00.000Z");
  assertEquals(next("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z"), "2026-11-02T06:30:00.000Z");
});

Deno.test("isValidTimezone knows IANA names", () => {
  assertEquals(isValidTimezone("Europe/Berlin"), true);
  assertEquals(isValidTimezone("Mars/Olympus"), false);
});
