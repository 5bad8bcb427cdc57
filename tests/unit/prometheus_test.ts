import { assertStringIncludes } from "@std/assert";
import { Counter, Histogram, Registry } from "../../services/platform/prometheus.ts";

Deno.test("the registry renders counters and cumulative histogram buckets in the text format", () => {
  const registry = new Registry();
  const counter = registry.register(new Counter("x_total", "things"));
  const histogram = registry.register(new Histogram("x_seconds", "time", [0.1, 1]));
  counter.inc({ route: '/a"b' });
  counter.inc({ route: '/a"b' });
  histogram.observe({ route: "/a" }, 0.05);
  histogram.observe({ route: "/a" }, 0.5);
  const text = registry.render();
  assertStringIncludes(text, "# TYPE x_total counter");
  assertStringIncludes(text, 'x_total{route="/a\\"b"} 2');
  assertStringIncludes(text, 'x_seconds_bucket{route="/a",le="0.1"} 1');
  assertStringIncludes(text, 'x_seconds_bucket{route="/a",le="1"} 2');
  assertStringIncludes(text, 'x_seconds_bucket{route="/a",le="+Inf"} 2');
  assertStringIncludes(text, 'x_seconds_count{route="/a"} 2');
});
