import type { DiffLine } from "../../services/audits/diff.ts";
import { showValue } from "./format.ts";

const LABEL = { added: "added", removed: "removed", changed: "changed", unchanged: "" } as const;

function Value({ value, as }: { value: unknown; as: "del" | "ins" | "span" }) {
  const Tag = as;
  return <Tag class="diff-value">{showValue(value)}</Tag>;
}

/** Before/after side by side: changed, added and removed fields marked; unchanged ones dimmed. */
export function AuditDiff({ lines }: { lines: DiffLine[] }) {
  const count = (kind: DiffLine["kind"]) => lines.filter((l) => l.kind === kind).length;
  return (
    <>
      <p class="diff-summary muted">
        {count("changed")} changed · {count("added")} added · {count("removed")} removed · {count("unchanged")}{" "}
        unchanged
      </p>
      <div class="overflow-auto">
        <table class="audit-diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.path} class={`diff-${line.kind}`} data-path={line.path}>
                <th scope="row">
                  <code>{line.path || "(value)"}</code>
                  {line.kind !== "unchanged" && <span class="diff-tag">{LABEL[line.kind]}</span>}
                </th>
                <td>
                  {line.kind === "added"
                    ? <span class="muted">—</span>
                    : <Value value={line.before} as={line.kind === "unchanged" ? "span" : "del"} />}
                </td>
                <td>
                  {line.kind === "removed"
                    ? <span class="muted">—</span>
                    : <Value value={line.after} as={line.kind === "unchanged" ? "span" : "ins"} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
