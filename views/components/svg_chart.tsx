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
}

export interface StackedBarsProps {
  /** The x-axis categories, e.g. days. */
  categories: string[];
  series: BarSeries[];
  summary: string;
  width?: number;
  height?: number;
}

const PAD = { top: 10, right: 8, bottom: 22, left: 30 };

/** A stacked bar chart; the y axis runs from 0 to the tallest stack (at least 1). */
export function StackedBars({ categories, series, summary, width = 960, height = 200 }: StackedBarsProps) {
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
              <text class="chart-label" x={x + barW / 2} y={height - 6} text-anchor="middle">{category.slice(5)}</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
