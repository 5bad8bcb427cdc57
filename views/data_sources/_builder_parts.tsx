/**
 * Form parts the one-table query builder and the data-model builder share: the same measures, filter operators, time
 * grains, sort and limit, so the two forms cannot drift apart from the one builder service behind both.
 */
import type { ComponentChildren } from "preact";
import { FieldError, type FieldErrors } from "../components/form_field.tsx";

const FILTER_OPS: [string, string][] = [
  ["eq", "="],
  ["ne", "≠"],
  ["gt", ">"],
  ["gte", "≥"],
  ["lt", "<"],
  ["lte", "≤"],
];

const MEASURE_FNS = ["count", "count_distinct", "sum", "avg", "min", "max"];

/** A select of `[value, label]` options after an empty choice. */
export function OptionSelect({ name, label, options, empty }: {
  name: string;
  label: string;
  options: [string, string][];
  empty: string;
}) {
  return (
    <label>
      {label}
      <select name={name}>
        <option value="">{empty}</option>
        {options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
      </select>
    </label>
  );
}

export function GrainSelect({ name, errors }: { name: string; errors: FieldErrors }) {
  return (
    <label>
      Time grain
      <select name={name}>
        <option value="">none</option>
        {["day", "week", "month"].map((g) => <option key={g} value={g}>{g}</option>)}
      </select>
      <FieldError name={name} errors={errors} />
    </label>
  );
}

/** Two measure rows; `of(i)` is the row's column or field select. */
export function MeasuresFieldset({ of, errors }: { of: (i: number) => ComponentChildren; errors: FieldErrors }) {
  return (
    <fieldset>
      <legend>Measures</legend>
      {[0, 1].map((i) => (
        <div class="grid" key={i}>
          <label>
            Function
            <select name={`measures.${i}.fn`}>
              <option value="">—</option>
              {MEASURE_FNS.map((f) => <option key={f} value={f}>{f.replace("_", " ")}</option>)}
            </select>
          </label>
          {of(i)}
        </div>
      ))}
      <FieldError name="measures" errors={errors} />
    </fieldset>
  );
}

export function FilterOpSelect({ name }: { name: string }) {
  return (
    <label>
      Is
      <select name={name}>
        {FILTER_OPS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
}

export function SortAndLimit({ errors, limit }: { errors: FieldErrors; limit: number }) {
  return (
    <div class="grid">
      <label>
        Sort by output column
        <input type="number" name="sort.output" min="1" max="20" />
        <FieldError name="sort.output" errors={errors} />
      </label>
      <label>
        Direction
        <select name="sort.direction">
          <option value="desc">descending</option>
          <option value="asc">ascending</option>
        </select>
      </label>
      <label>
        Limit
        <input type="number" name="limit" min="1" max="10000" value={String(limit)} />
      </label>
    </div>
  );
}
