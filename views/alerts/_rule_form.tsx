import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import {
  type AlertRuleRow,
  OPERATORS,
  QUERY_MEASURES,
  RULE_FIELDS,
  RULE_KINDS,
  type RuleFormOptions,
  SEVERITIES,
} from "../../db/queries/alert_rules.ts";
import { CsrfField, type FieldErrors, FormField, SelectField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageContext } from "../page_context.ts";
import { KIND_LABEL } from "./format.ts";

export type RuleValues = Partial<Record<typeof RULE_FIELDS[number], string>>;

export function ruleValues(r: AlertRuleRow): RuleValues {
  const text = (v: unknown) => v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return Object.fromEntries(RULE_FIELDS.map((f) => [f, text(r[f])]));
}

export interface RuleFormProps {
  rule?: AlertRuleRow;
  options: RuleFormOptions;
  values?: RuleValues;
  errors?: FieldErrors;
  error?: string;
}

/** Fields that only some kinds use; CSS (:has on the kind select) shows the ones of the chosen kind. */
function KindFields(
  { kinds, legend, fixed, children }: { kinds: string[]; legend: string; fixed?: string; children: ComponentChildren },
) {
  // Editing: the kind is fixed, so only its own fields are rendered.
  if (fixed && !kinds.includes(fixed)) return null;
  return (
    <fieldset class={`kind-only ${kinds.map((k) => `kind-${k}`).join(" ")}`}>
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

/** Create (on the rules page) or edit (on the rule's page) an alert rule; the kind is fixed once created. */
export function RuleForm({ rule, options, values, errors = {}, error }: RuleFormProps) {
  const { csrfToken } = useContext(PageContext);
  const v: RuleValues = values ??
    (rule ? ruleValues(rule) : { kind: "check_down", severity: "warning", enabled: "true" });
  const picked = (field: keyof RuleValues, value: string) => (v[field] ?? "") === value;
  return (
    <form
      method="post"
      action={rule ? `/alert-rules/${rule.id}` : "/alert-rules"}
      class="catalog-form rule-form"
      novalidate
    >
      {error && <Notice kind="error">{error}</Notice>}
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField name="name" label="Name" value={v.name} errors={errors} required maxLength={200} />
        {rule
          ? <input type="hidden" name="kind" value={rule.kind} />
          : (
            <SelectField name="kind" label="When" errors={errors}>
              {RULE_KINDS.map((k) => <option key={k} value={k} selected={picked("kind", k)}>{KIND_LABEL[k]}</option>)}
            </SelectField>
          )}
        <SelectField name="severity" label="Severity" errors={errors}>
          {SEVERITIES.map((s) => <option key={s} value={s} selected={picked("severity", s)}>{s}</option>)}
        </SelectField>
      </div>
      <div class="grid">
        <SelectField name="project_id" label="Project" errors={errors}>
          <option value="" selected={!v.project_id}>Every project</option>
          {options.projects.map((p) => (
            <option key={p.id} value={p.id} selected={picked("project_id", p.id)}>{p.name}</option>
          ))}
        </SelectField>
        <label class="checkbox-label">
          <input type="checkbox" name="enabled" value="true" checked={v.enabled !== "false"} /> Enabled
        </label>
      </div>
      <KindFields
        fixed={rule?.kind}
        kinds={["check_down", "check_degraded", "heartbeat_missed", "certificate_expiring"]}
        legend="Which check"
      >
        <SelectField name="check_id" label="Check" errors={errors}>
          <option value="" selected={!v.check_id}>Every check of the project (or organization)</option>
          {options.checks.map((c) => (
            <option key={c.id} value={c.id} selected={picked("check_id", c.id)}>{c.project_name} · {c.name}</option>
          ))}
        </SelectField>
      </KindFields>
      <KindFields fixed={rule?.kind} kinds={["certificate_expiring"]} legend="Certificate">
        <FormField name="days_before" label="Days before expiry" type="number" value={v.days_before} errors={errors} />
      </KindFields>
      <KindFields fixed={rule?.kind} kinds={["deployment_failed"]} legend="Deployment">
        <FormField
          name="environment"
          label="Environment (empty: every environment)"
          value={v.environment}
          errors={errors}
          placeholder="production"
        />
      </KindFields>
      <KindFields fixed={rule?.kind} kinds={["metric_threshold"]} legend="Metric">
        <div class="grid">
          <FormField
            name="metric_type"
            label="Metric type"
            value={v.metric_type}
            errors={errors}
            placeholder="http.p95_ms"
          />
          <FormField
            name="window_seconds"
            label="Window (seconds)"
            type="number"
            value={v.window_seconds}
            errors={errors}
            placeholder="300"
          />
        </div>
      </KindFields>
      <KindFields fixed={rule?.kind} kinds={["query_threshold"]} legend="Saved query">
        <div class="grid">
          <SelectField name="query_id" label="Query" errors={errors}>
            <option value="" selected={!v.query_id}>—</option>
            {options.queries.map((q) => (
              <option key={q.id} value={q.id} selected={picked("query_id", q.id)}>{q.name}</option>
            ))}
          </SelectField>
          <SelectField name="query_measure" label="Compare" errors={errors}>
            {QUERY_MEASURES.map((m) => (
              <option key={m} value={m} selected={picked("query_measure", m)}>
                {m === "value" ? "its number (first column)" : "how many rows"}
              </option>
            ))}
          </SelectField>
          <FormField
            name="interval_seconds"
            label="Run every (seconds, at least 60)"
            type="number"
            value={v.interval_seconds}
            errors={errors}
            placeholder="300"
          />
        </div>
        <FormField
          name="query_parameters"
          label='Parameters (JSON, e.g. {"country": "DE"}; empty: the defaults)'
          value={v.query_parameters}
          errors={errors}
        />
      </KindFields>
      <KindFields fixed={rule?.kind} kinds={["metric_threshold", "query_threshold"]} legend="Threshold">
        <div class="grid">
          <SelectField name="operator" label="Operator" errors={errors}>
            <option value="" selected={!v.operator}>—</option>
            {OPERATORS.map((o) => (
              <option key={o} value={o} selected={picked("operator", o)}>{o.replace("_", " ")}</option>
            ))}
          </SelectField>
          <FormField name="threshold" label="Threshold (change: %)" type="number" value={v.threshold} errors={errors} />
        </div>
      </KindFields>
      <fieldset>
        <legend>While unacknowledged</legend>
        <div class="grid">
          <FormField
            name="repeat_interval_minutes"
            label="Repeat every (minutes)"
            type="number"
            value={v.repeat_interval_minutes}
            errors={errors}
          />
          <FormField
            name="escalate_after_minutes"
            label="Escalate after (minutes)"
            type="number"
            value={v.escalate_after_minutes}
            errors={errors}
          />
          <SelectField name="escalation_channel_id" label="Escalate to" errors={errors}>
            <option value="" selected={!v.escalation_channel_id}>Notify again through the rules</option>
            {options.channels.map((ch) => (
              <option key={ch.id} value={ch.id} selected={picked("escalation_channel_id", ch.id)}>
                {ch.name} ({ch.type})
              </option>
            ))}
          </SelectField>
        </div>
      </fieldset>
      <button type="submit">{rule ? "Save rule" : "Create rule"}</button>
    </form>
  );
}
