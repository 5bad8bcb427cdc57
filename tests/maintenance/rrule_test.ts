import { assertEquals, assertThrows } from "@std/assert";
import {
  localToInstant,
  nextOccurrences,
  occurrencesBetween,
  parseRRule,
  type Recurrence,
  RRuleError,
  seriesEnd,
} from "../../services/maintenance/rrule.ts";

function rec(rrule: string, dtstart: string, timezone: string, durationMinutes = 60): Recurrence {
  return { rule: parseRRule(rrule), dtstart: Temporal.PlainDateTime.from(dtstart), timezone, durationMinutes };
}
const starts = (xs: { start: Date }[]) => xs.map((x) => x.start.toISOString());
const at = (s: string) => new Date(s);

Deno.test("a daily 02:30 Europe/Berlin window starts at 03:00 local on the spring-forward day", () => {
  const r = rec("FREQ=DAILY", "2026-03-25T02:30", "Europe/Berlin");
  assertEquals(starts(occurrencesBetween(r, at("2026-03-28T00:00Z"), at("2026-03-31T00:00Z"))), [
    "2026-03-28T01:30:00.000Z", // 02:30 CET
    "2026-03-29T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST, the end of the gap
    "2026-03-30T00:30:00.000Z", // 02:30 CEST
  ]);
});

Deno.test("a daily 02:30 Europe/Berlin window happens once on the fall-back day, at the first 02:30", () => {
  const r = rec("FREQ=DAILY", "2026-10-20T02:30", "Europe/Berlin");
  assertEquals(starts(occurrencesBetween(r, at("2026-10-24T12:00Z"), at("2026-10-26T12:00Z"))), [
    "2026-10-25T00:30:00.000Z", // 02:30 CEST; the second 02:30 (CET, 01:30Z) is not another occurrence
    "2026-10-26T01:30:00.000Z", // 02:30 CET
  ]);
});

Deno.test("a daily 09:00 America/New_York window stays at 09:00 local across both DST changes", () => {
  const r = rec("FREQ=DAILY", "2020-01-01T09:00", "America/New_York");
  assertEquals(starts(occurrencesBetween(r, at("2026-03-07T00:00Z"), at("2026-03-09T00:00Z"))), [
    "2026-03-07T14:00:00.000Z",
    "2026-03-08T13:00:00.000Z",
  ]);
  assertEquals(starts(occurrencesBetween(r, at("2026-10-31T00:00Z"), at("2026-11-02T00:00Z"))), [
    "2026-10-31T13:00:00.000Z",
    "2026-11-01T14:00:00.000Z",
  ]);
});

Deno.test("weekly with INTERVAL and BYDAY skips the off weeks and stops at UNTIL (inclusive)", () => {
  const r = rec("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20260127T140000Z", "2026-01-01T09:00", "America/New_York");
  assertEquals(starts(nextOccurrences(r, at("2025-01-01T00:00Z"), 50)), [
    "2026-01-01T14:00:00.000Z",
    "2026-01-13T14:00:00.000Z",
    "2026-01-15T14:00:00.000Z",
    "2026-01-27T14:00:00.000Z",
  ]);
});

Deno.test("a local-date UNTIL includes that whole day", () => {
  const r = rec("FREQ=DAILY;UNTIL=20260103", "2026-01-01T22:00", "Europe/Berlin");
  assertEquals(nextOccurrences(r, at("2025-01-01T00:00Z"), 10).length, 3);
});

Deno.test("COUNT limits the series and seriesEnd is the last occurrence's end; open series have none", () => {
  const r = rec("FREQ=MONTHLY;BYDAY=1MO;COUNT=3", "2026-01-01T22:00", "America/New_York", 90);
  assertEquals(starts(nextOccurrences(r, at("2025-01-01T00:00Z"), 10)), [
    "2026-01-06T03:00:00.000Z",
    "2026-02-03T03:00:00.000Z",
    "2026-03-03T03:00:00.000Z",
  ]);
  assertEquals(seriesEnd(r), at("2026-03-03T04:30:00.000Z"));
  // COUNT counts from the start even when asked about a later range
  assertEquals(starts(occurrencesBetween(r, at("2026-02-10T00:00Z"), at("2027-01-01T00:00Z"))), [
    "2026-03-03T03:00:00.000Z",
  ]);
  assertEquals(seriesEnd(rec("FREQ=DAILY", "2026-01-01T00:00", "UTC")), null);
});

Deno.test("monthly -1FR is the last Friday, BYMONTHDAY=-1 the last day, BYMONTHDAY=31 skips short months", () => {
  assertEquals(
    starts(nextOccurrences(rec("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01T18:00", "UTC"), at("2026-01-01T00:00Z"), 3)),
    ["2026-01-30T18:00:00.000Z", "2026-02-27T18:00:00.000Z", "2026-03-27T18:00:00.000Z"],
  );
  assertEquals(
    starts(nextOccurrences(rec("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31T01:00", "UTC"), at("2026-01-01T00:00Z"), 3)),
    ["2026-01-31T01:00:00.000Z", "2026-02-28T01:00:00.000Z", "2026-03-31T01:00:00.000Z"],
  );
  assertEquals(
    starts(nextOccurrences(rec("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31T01:00", "UTC"), at("2026-01-01T00:00Z"), 3)),
    ["2026-01-31T01:00:00.000Z", "2026-03-31T01:00:00.000Z", "2026-05-31T01:00:00.000Z"],
  );
});

Deno.test("BYHOUR and BYMINUTE expand within a day, in order", () => {
  const r = rec("FREQ=DAILY;BYHOUR=13,1;BYMINUTE=30,0", "2026-01-01T01:00", "UTC", 10);
  assertEquals(starts(nextOccurrences(r, at("2026-01-01T00:00Z"), 5)), [
    "2026-01-01T01:00:00.000Z",
    "2026-01-01T01:30:00.000Z",
    "2026-01-01T13:00:00.000Z",
    "2026-01-01T13:30:00.000Z",
    "2026-01-02T01:00:00.000Z",
  ]);
});

Deno.test("an occurrence running at `after` is among the next occurrences", () => {
  const r = rec("FREQ=DAILY", "2026-01-01T10:00", "UTC", 120);
  assertEquals(starts(nextOccurrences(r, at("2026-01-05T11:00Z"), 1)), ["2026-01-05T10:00:00.000Z"]);
});

Deno.test("a years-old open series is expanded from near the requested range", () => {
  const r = rec("FREQ=DAILY", "2000-01-01T00:00", "UTC", 30);
  const t0 = performance.now();
  assertEquals(occurrencesBetween(r, at("2026-06-01T00:10Z"), at("2026-06-02T00:00Z")).length, 1);
  assertEquals(performance.now() - t0 < 100, true);
});

Deno.test("bad rules name the offending part", () => {
  const cases: [string, string][] = [
    ["FREQ=YEARLY", "FREQ"],
    ["INTERVAL=2", "FREQ"],
    ["FREQ=DAILY;BYDAY=1MO", "BYDAY"],
    ["FREQ=WEEKLY;BYDAY=XX", "BYDAY"],
    ["FREQ=MONTHLY;BYDAY=6MO", "BYDAY"],
    ["FREQ=DAILY;COUNT=2;UNTIL=20260101", "UNTIL"],
    ["FREQ=DAILY;UNTIL=2026-01-01", "UNTIL"],
    ["FREQ=DAILY;BYSETPOS=1", "BYSETPOS"],
    ["FREQ=DAILY;INTERVAL=0", "INTERVAL"],
    ["FREQ=DAILY;COUNT=5000", "COUNT"],
    ["FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY"],
    ["FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"],
    ["FREQ=DAILY;BYHOUR=24", "BYHOUR"],
    ["FREQ=DAILY;FREQ=WEEKLY", "FREQ"],
  ];
  for (const [rule, part] of cases) {
    const error = assertThrows(() => parseRRule(rule), RRuleError);
    assertEquals((error as RRuleError).part, part, rule);
  }
});

Deno.test("localToInstant: gap → end of gap, overlap → earlier, normal → exact", () => {
  const t = (s: string) => Temporal.PlainDateTime.from(s);
  assertEquals(localToInstant(t("2026-03-29T02:30"), "Europe/Berlin").toString(), "2026-03-29T01:00:00Z");
  assertEquals(localToInstant(t("2026-10-25T02:30"), "Europe/Berlin").toString(), "2026-10-25T00:30:00Z");
  assertEquals(localToInstant(t("2026-07-01T12:00"), "Europe/Berlin").toString(), "2026-07-01T10:00:00Z");
});

Deno.test("a daily series with a distant UNTIL ends at its last occurrence, not after a few thousand", () => {
  const r = rec("FREQ=DAILY;UNTIL=20451231", "2026-01-01T03:00", "Europe/Berlin", 30);
  assertEquals(seriesEnd(r), at("2045-12-31T02:30:00.000Z"));
  const sparse = rec("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=1;UNTIL=20300101T000000Z", "2026-01-01T00:00", "UTC", 60);
  assertEquals(seriesEnd(sparse), at("2030-01-01T01:00:00.000Z")); // UNTIL is inclusive
});
