import type { AuditFilterOptions } from "../../services/audits/list.ts";
import { FieldError, type FieldErrors, invalid, SelectField } from "../components/form_field.tsx";
import { auditsUrl } from "./format.ts";

/** The filter values as typed, echoed back into the form. */
export type AuditFilterValues = {
  actor_id?: string;
  action?: string;
  resource_type?: string;
  resource_id?: string;
  since?: string;
  until?: string;
};

/** A date input shows only YYYY-MM-DD; a full RFC 3339 value (from the API's style of URL) shows its date. */
const dateOf = (value?: string) => value?.slice(0, 10);

/** A plain GET form: filtering works without JavaScript and every filtered view has a URL. */
export function AuditFilters(
  { values, errors, options }: { values: AuditFilterValues; errors?: FieldErrors; options: AuditFilterOptions },
) {
  const knownActor = options.actors.some((a) => a.id === values.actor_id);
  const actions = values.action && !options.actions.includes(values.action)
    ? [values.action, ...options.actions]
    : options.actions;
  const types = values.resource_type && !options.resourceTypes.includes(values.resource_type)
    ? [values.resource_type, ...options.resourceTypes]
    : options.resourceTypes;
  return (
    <form method="get" action="/audits" class="audit-filters" aria-label="Filter the audit log">
      <SelectField name="actor_id" label="Actor" errors={errors}>
        <option value="">Anyone</option>
        {values.actor_id && !knownActor && <option value={values.actor_id} selected>This actor</option>}
        {options.actors.map((a) => (
          <option key={a.id} value={a.id} selected={a.id === values.actor_id}>
            {a.name ? `${a.name} (${a.email})` : a.email}
          </option>
        ))}
      </SelectField>
      <SelectField name="action" label="Action" errors={errors}>
        <option value="">Any action</option>
        {actions.map((a) => <option key={a} value={a} selected={a === values.action}>{a}</option>)}
      </SelectField>
      <SelectField name="resource_type" label="Resource type" errors={errors}>
        <option value="">Any resource</option>
        {types.map((t) => <option key={t} value={t} selected={t === values.resource_type}>{t}</option>)}
      </SelectField>
      <label>
        From
        <input type="date" name="since" value={dateOf(values.since)} {...invalid("since", errors)} />
        <FieldError name="since" errors={errors} />
      </label>
      <label>
        To
        <input type="date" name="until" value={dateOf(values.until)} {...invalid("until", errors)} />
        <FieldError name="until" errors={errors} />
      </label>
      <div class="audit-filter-actions">
        {values.resource_id && <input type="hidden" name="resource_id" value={values.resource_id} />}
        <button type="submit">Filter</button>
        <a href="/audits" class="secondary">Clear</a>
      </div>
      {values.resource_id && (
        <p class="audit-scope">
          Only resource <code>{values.resource_id}</code>{" "}
          <a href={auditsUrl({ ...values, resource_id: undefined })} aria-label="Show all resources">×</a>
          <FieldError name="resource_id" errors={errors} />
        </p>
      )}
    </form>
  );
}
