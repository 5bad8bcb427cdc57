/**
 * The 12-column grid. Positions arrive already bounded (zod: no negatives,
 * x + w ≤ 12); overlaps are normalised rather than refused, the way gridstack
 * itself resolves them: in reading order, a tile that would overlap one
 * already placed moves down until it fits.
 */
import type { Position } from "./schemas.ts";

export interface Placed extends Position {
  id: string;
}

const overlaps = (a: Position, b: Position) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

export function normalise<T extends Placed>(tiles: T[]): T[] {
  const placed: T[] = [];
  const ordered = [...tiles].sort((a, b) => a.y - b.y || a.x - b.x || a.id.localeCompare(b.id));
  for (const tile of ordered) {
    const next = { ...tile };
    while (placed.some((p) => overlaps(p, next))) next.y += 1;
    placed.push(next);
  }
  return placed;
}

/** Where a new tile of this size goes when no position is given: the first row below everything. */
export function nextFree(tiles: Position[], size: { w: number; h: number }): Position {
  const y = tiles.reduce((max, t) => Math.max(max, t.y + t.h), 0);
  return { x: 0, y, w: size.w, h: size.h };
}
