/**
 * A check's latency over a range as server-rendered SVG (no JavaScript, like
 * views/components/svg_chart.tsx): average and p95 lines, a red tick under
 * each step with failed results, shaded maintenance windows and a dashed
 * line per deployment; a step with data but no neighbour with data is a dot.
 * Colours come from `.chart-*` / `.latency-*` classes.
 */
import type { SeriesPoint } from "../../services/checks/history.ts";
import { formatLatency } from "./format.ts";

export interface ChartMarker {
  at: Date;
  label: string;
}

export interface LatencyChartProps {
  points: SeriesPoint[];
  from: Date;
  to: Date;
  deployments: ChartMarker[];
  maintenance: { start: Date; end: Date }[];
  width?: number;
  height?: number;
}

const PAD = { top: 12, right: 10, bottom: 24, left: 52 };

function niceMax(value: number): number {
  if (value <= 0) return 100;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (value <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

function tickLabel(t: Date, spanMs: number): string {
  const iso = t.toISOString();
  return spanMs <= 2 * 86_400_000 ? iso.slice(11, 16) : iso.slice(5, 10);
}

export function LatencyChart(
  { points, from, to, deployments, maintenance, width = 960, height = 220 }: LatencyChartProps,
) {
  const span = to.getTime() - from.getTime();
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.p95 ?? p.avg ?? 0)));
  const x = (t: Date) => PAD.left + ((t.getTime() - from.getTime()) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const line = (pick: (p: SeriesPoint) => number | null) => {
    let d = "";
    let pen = false;
    for (const p of points) {
      const v = pick(p);
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  // A step with data between two without draws no line: a young or sparse check would look empty, so it gets a dot.
  const lonely = points.filter((p, i) => p.avg !== null && !points[i - 1]?.avg && !points[i + 1]?.avg);
  const stepW = points.length > 1 ? x(points[1].t) - x(points[0].t) : plotW;
  const withData = points.filter((p) => p.avg !== null);
  const avg = withData.length ? withData.reduce((s, p) => s + p.avg!, 0) / withData.length : null;
  const summary = withData.length
    ? `Latency from ${from.toISOString()} to ${to.toISOString()}: average ${formatLatency(avg)}, ` +
      `${points.filter((p) => p.down > 0).length} steps with failures, ${deployments.length} deployments`
    : "No results in this range yet";
  const ticks = Array.from({ length: 6 }, (_, i) => new Date(from.getTime() + (span * i) / 5));
  return (
    <svg class="chart latency-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
      {maintenance.map((m, i) => (
        <rect
          key={`m${i}`}
          class="chart-band"
          x={x(m.start < from ? from : m.start)}
          y={PAD.top}
          width={Math.max(1, x(m.end > to ? to : m.end) - x(m.start < from ? from : m.start))}
          height={plotH}
        >
          <title>{`Maintenance ${m.start.toISOString()} – ${m.end.toISOString()}`}</title>
        </rect>
      ))}
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line
            class={f === 0 ? "chart-axis" : "chart-grid"}
            x1={PAD.left}
            x2={width - PAD.right}
            y1={y(max * f)}
            y2={y(max * f)}
          />
          <text class="chart-label" x={PAD.left - 4} y={y(max * f) + 4} text-anchor="end">
            {formatLatency(max * f)}
          </text>
        </g>
      ))}
      {ticks.map((t, i) => (
        <text
          key={`t${i}`}
          class="chart-label"
          x={x(t)}
          y={height - 6}
          text-anchor={i === 0 ? "start" : i === 5 ? "end" : "middle"}
        >
          {tickLabel(t, span)}
        </text>
      ))}
      {points.filter((p) => p.down > 0).map((p) => (
        <rect
          key={`d${p.t.getTime()}`}
          class="chart-down"
          x={x(p.t)}
          y={y(0) - 4}
          width={Math.max(2, stepW)}
          height={4}
        >
          <title>{`${p.t.toISOString()}: ${p.down} of ${p.count} failed`}</title>
        </rect>
      ))}
      <path class="latency-p95" d={line((p) => p.p95)} />
      <path class="latency-avg" d={line((p) => p.avg)} />
      {lonely.map((p) => (
        <circle key={`l${p.t.getTime()}`} class="latency-dot" cx={x(p.t)} cy={y(p.avg!)} r={3}>
          <title>{`${p.t.toISOString()}: ${formatLatency(p.avg)}`}</title>
        </circle>
      ))}
      {deployments.map((d, i) => (
        <g key={`dep${i}`} class="chart-marker">
          <line x1={x(d.at)} x2={x(d.at)} y1={PAD.top} y2={y(0)} />
          <title>{`${d.at.toISOString()}: ${d.label}`}</title>
        </g>
      ))}
    </svg>
  );
}
