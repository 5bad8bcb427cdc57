/**
 * Server-rendered SVG charts: no chart library and no JavaScript, so they
 * print, work in any browser and follow the theme through CSS classes
 * (`.chart-*` in static/css/app.css). Each bar carries a <title> tooltip and
 * the chart an aria-label summarising it.
 */

export interface BarSeries {
  label: string;
  /** One value per category; stacked in series order, first at the bottom. */
  values: number[];
  /** CSS class giving the fill, e.g. `chart-up`. */
  className: string;
  /** A fill for where the stylesheet does not reach (an SVG inside a PDF). */
  fill?: string;
}

export interface StackedBarsProps {
  /** The x-axis categories, e.g. days. */
  categories: string[];
  series: BarSeries[];
  summary: string;
  width?: number;
  height?: number;
  /** The axis label of a category; default: a date's month and day. */
  labelOf?: (category: string) => string;
}

const PAD = { top: 10, right: 8, bottom: 22, left: 30 };

/** A stacked bar chart; the y axis runs from 0 to the tallest stack (at least 1). */
export function StackedBars(
  { categories, series, summary, width = 960, height = 200, labelOf = (c) => c.slice(5) }: StackedBarsProps,
) {
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (value: number) => PAD.top + plotH - (value / max) * plotH;
  // Label about six categories along the axis, whatever the window.
  const every = Math.max(1, Math.ceil(categories.length / 6));
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={summary}
    >
      <line class="chart-axis" x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} />
      <line class="chart-grid" x1={PAD.left} x2={width - PAD.right} y1={y(max)} y2={y(max)} />
      <text class="chart-label" x={PAD.left - 4} y={y(max) + 4} text-anchor="end">{max}</text>
      <text class="chart-label" x={PAD.left - 4} y={y(0)} text-anchor="end">0</text>
      {categories.map((category, i) => {
        let base = 0;
        const x = PAD.left + i * slot + (slot - barW) / 2;
        return (
          <g key={category}>
            {series.map((s) => {
              const value = s.values[i] ?? 0;
              if (value === 0) return null;
              const rect = (
                <rect
                  key={s.label}
                  class={s.className}
                  fill={s.fill}
                  x={x}
                  y={y(base + value)}
                  width={barW}
                  height={y(base) - y(base + value)}
                >
                  <title>{`${category}: ${value} ${s.label}`}</title>
                </rect>
              );
              base += value;
              return rect;
            })}
            {i % every === 0 && (
              <text class="chart-label" x={x + barW / 2} y={height - 6} text-anchor="middle">{labelOf(category)}</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** Series colours that read in both themes and in print (fills given as attributes reach a PDF too). */
export const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2"];

export interface LineSeries {
  label: string;
  values: (number | null)[];
}

export interface LineChartProps {
  categories: string[];
  series: LineSeries[];
  summary: string;
  width?: number;
  height?: number;
}

/** Lines over categories; the y axis from the smallest value (or 0) to the largest; gaps where a value is null. */
export function LineChart({ categories, series, summary, width = 600, height = 220 }: LineChartProps) {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (categories.length <= 1 ? plotW / 2 : (i / (categories.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min || 1)) * plotH;
  const every = Math.max(1, Math.ceil(categories.length / 5));
  const fmt = (v: number) => Number.isInteger(v) ? String(v) : v.toFixed(1);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
      <line class="chart-axis" stroke="#888" x1={PAD.left} x2={width - PAD.right} y1={y(min)} y2={y(min)} />
      <line class="chart-grid" stroke="#888" x1={PAD.left} x2={width - PAD.right} y1={y(max)} y2={y(max)} />
      <text class="chart-label" fill="#666" x={PAD.left - 4} y={y(max) + 4} text-anchor="end">{fmt(max)}</text>
      <text class="chart-label" fill="#666" x={PAD.left - 4} y={y(min)} text-anchor="end">{fmt(min)}</text>
      {series.map((s, si) => {
        const segments: string[][] = [[]];
        s.values.forEach((v, i) => {
          if (v === null) segments.push([]);
          else segments[segments.length - 1].push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
        });
        return (
          <g key={s.label}>
            {segments.filter((pts) => pts.length > 0).map((pts, k) => (
              <polyline
                key={k}
                fill="none"
                stroke={PALETTE[si % PALETTE.length]}
                stroke-width="2"
                points={pts.join(" ")}
              />
            ))}
            {s.values.map((v, i) =>
              v === null ? null : (
                <circle key={i} cx={x(i)} cy={y(v)} r="2.5" fill={PALETTE[si % PALETTE.length]}>
                  <title>{`${categories[i]}: ${fmt(v)} ${s.label}`}</title>
                </circle>
              )
            )}
          </g>
        );
      })}
      {categories.map((c, i) =>
        i % every === 0
          ? (
            <text key={c} class="chart-label" fill="#666" x={x(i)} y={height - 6} text-anchor="middle">
              {c.length > 10 ? c.slice(5) : c}
            </text>
          )
          : null
      )}
    </svg>
  );
}

export interface PieChartProps {
  slices: { label: string; value: number }[];
  summary: string;
  size?: number;
}

/** A pie with a legend beside it; slices below zero count as zero. */
export function PieChart({ slices, summary, size = 200 }: PieChartProps) {
  const total = slices.reduce((sum, s) => sum + Math.max(0, s.value), 0);
  const r = size / 2 - 4;
  const cx = size / 2;
  let angle = -Math.PI / 2;
  const point = (a: number) => `${(cx + r * Math.cos(a)).toFixed(2)},${(cx + r * Math.sin(a)).toFixed(2)}`;
  const width = size + 180;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${size}`} role="img" aria-label={summary}>
      {total === 0 ? <circle cx={cx} cy={cx} r={r} fill="none" stroke="#888" /> : slices.map((s, i) => {
        const share = Math.max(0, s.value) / total;
        const start = angle;
        angle += share * 2 * Math.PI;
        const fill = PALETTE[i % PALETTE.length];
        const label = `${s.label}: ${s.value} (${Math.round(share * 100)}%)`;
        if (share >= 0.9999) {
          return (
            <circle key={i} cx={cx} cy={cx} r={r} fill={fill}>
              <title>{label}</title>
            </circle>
          );
        }
        const large = share > 0.5 ? 1 : 0;
        return (
          <path key={i} d={`M${cx},${cx} L${point(start)} A${r},${r} 0 ${large} 1 ${point(angle)} Z`} fill={fill}>
            <title>{label}</title>
          </path>
        );
      })}
      {slices.slice(0, 10).map((s, i) => (
        <g key={`l${i}`}>
          <rect x={size + 10} y={10 + i * 18} width="10" height="10" fill={PALETTE[i % PALETTE.length]} />
          <text class="chart-label" fill="#666" x={size + 26} y={19 + i * 18}>{`${s.label} (${s.value})`}</text>
        </g>
      ))}
    </svg>
  );
}
