/**
 * A metric series as server-rendered SVG (no JavaScript): the chosen
 * aggregate as a line over a min–max band, shaded maintenance windows and a
 * dashed line per deployment, each with a <title> tooltip; the same classes
 * as the check latency chart (`.chart-*`) plus `.metric-*` in app.css.
 */
import type { SeriesJson } from "../../services/metrics/schemas.ts";

export interface MetricChartProps {
  series: SeriesJson;
  deployments: { at: Date; label: string }[];
  maintenance: { start: Date; end: Date }[];
  width?: number;
  height?: number;
}

const PAD = { top: 12, right: 10, bottom: 24, left: 56 };

/** 1, 2, 2.5 or 5 × a power of ten at or above `value`, so the axis reads well. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (value <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

export function formatValue(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 0.01)) return v.toExponential(2);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function MetricChart({ series, deployments, maintenance, width = 960, height = 240 }: MetricChartProps) {
  const from = new Date(series.from);
  const to = new Date(series.to);
  const span = to.getTime() - from.getTime();
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const buckets = series.buckets.map((b) => ({ ...b, t: Date.parse(b.start) + (series.step_seconds * 1000) / 2 }));
  const low = Math.min(0, ...buckets.map((b) => Math.min(b.value, b.min)));
  const high = niceMax(Math.max(0, ...buckets.map((b) => Math.max(b.value, series.agg === "count" ? 0 : b.max))));
  const x = (t: number) =>
    PAD.left + ((Math.min(Math.max(t, from.getTime()), to.getTime()) - from.getTime()) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - ((v - low) / (high - low || 1)) * plotH;
  // A gap longer than two steps breaks the line instead of drawing across missing data.
  let line = "";
  let previous: number | null = null;
  for (const b of buckets) {
    const joined = previous !== null && b.t - previous <= 2 * series.step_seconds * 1000;
    line += `${joined ? "L" : "M"}${x(b.t).toFixed(1)},${y(b.value).toFixed(1)}`;
    previous = b.t;
  }
  const band = series.agg === "count" || buckets.length < 2 ? "" : [
    ...buckets.map((b, i) => `${i ? "L" : "M"}${x(b.t).toFixed(1)},${y(b.max).toFixed(1)}`),
    ...[...buckets].reverse().map((b) => `L${x(b.t).toFixed(1)},${y(b.min).toFixed(1)}`),
    "Z",
  ].join("");
  const ticks = Array.from({ length: 6 }, (_, i) => new Date(from.getTime() + (span * i) / 5));
  const tick = (t: Date) => span <= 2 * 86_400_000 ? t.toISOString().slice(11, 16) : t.toISOString().slice(5, 10);
  const summary = buckets.length
    ? `${series.type} ${series.agg} per ${series.step} from ${series.from} to ${series.to}: ${buckets.length} ` +
      `buckets, between ${formatValue(Math.min(...buckets.map((b) => b.value)))} and ` +
      `${formatValue(Math.max(...buckets.map((b) => b.value)))}; ${deployments.length} deployments, ` +
      `${maintenance.length} maintenance windows`
    : `No ${series.type} data in this range`;
  return (
    <svg class="chart metric-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
      {maintenance.map((m, i) => (
        <rect
          key={`m${i}`}
          class="chart-band"
          x={x(m.start.getTime())}
          y={PAD.top}
          width={Math.max(1, x(m.end.getTime()) - x(m.start.getTime()))}
          height={plotH}
        >
          <title>{`Maintenance ${m.start.toISOString()} – ${m.end.toISOString()}`}</title>
        </rect>
      ))}
      {[0, 0.5, 1].map((f) => {
        const v = low + (high - low) * f;
        return (
          <g key={f}>
            <line
              class={f === 0 ? "chart-axis" : "chart-grid"}
              x1={PAD.left}
              x2={width - PAD.right}
              y1={y(v)}
              y2={y(v)}
            />
            <text class="chart-label" x={PAD.left - 4} y={y(v) + 4} text-anchor="end">{formatValue(v)}</text>
          </g>
        );
      })}
      {ticks.map((t, i) => (
        <text
          key={`t${i}`}
          class="chart-label"
          x={x(t.getTime())}
          y={height - 6}
          text-anchor={i === 0 ? "start" : i === 5 ? "end" : "middle"}
        >
          {tick(t)}
        </text>
      ))}
      {band && <path class="metric-range" d={band} />}
      <path class="metric-line" d={line} />
      {buckets.length <= 120 &&
        buckets.map((b) => (
          <circle key={b.start} class="metric-dot" cx={x(b.t)} cy={y(b.value)} r={2}>
            <title>{`${b.start}: ${series.agg} ${formatValue(b.value)} (${b.count} points)`}</title>
          </circle>
        ))}
      {deployments.map((d, i) => (
        <g key={`d${i}`} class="chart-marker">
          <line x1={x(d.at.getTime())} x2={x(d.at.getTime())} y1={PAD.top} y2={y(low)} />
          <title>{`${d.at.toISOString()}: deployment ${d.label}`}</title>
        </g>
      ))}
    </svg>
  );
}
