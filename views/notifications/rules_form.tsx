/** The new-rule form: channel, project (or all), event types, immediate or digest. */
import { EVENT_LABELS } from "../../services/events/labels.ts";
import { useContext } from "preact/hooks";
import { EVENT_TYPES } from "../../db/queries/events.ts";
import { CsrfField, FieldError, type FieldErrors, invalid, SelectField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

export interface RuleOptions {
  channels: { id: string; name: string; type: string; broken: boolean }[];
  projects: { id: string; name: string }[];
}

export interface RuleFormValues {
  channel_id?: string;
  project_id?: string;
  event_types?: string[];
  mode?: string;
  digest_minutes?: string;
}

export function RuleForm({ options, values = {}, errors, action = "/notifications/rules", submit = "Add rule" }: {
  options: RuleOptions;
  values?: RuleFormValues;
  errors?: FieldErrors;
  /** Where it posts: the list (a new rule) or a rule (its edit page). */
  action?: string;
  submit?: string;
}) {
  const { csrfToken } = useContext(PageContext);
  if (options.channels.length === 0) {
    return (
      <p class="empty-state">
        Add a <a href="/notifications">channel</a> first: a rule sends events to one.
      </p>
    );
  }
  const chosen = new Set(values.event_types ?? []);
  return (
    <form method="post" action={action} class="rule-form">
      <CsrfField token={csrfToken} />
      <div class="grid">
        <SelectField name="channel_id" label="Channel" errors={errors}>
          {options.channels.map((c) => (
            <option key={c.id} value={c.id} selected={values.channel_id === c.id}>
              {c.name} ({c.type}
              {c.broken ? ", broken" : ""})
            </option>
          ))}
        </SelectField>
        <SelectField name="project_id" label="Project" errors={errors}>
          <option value="">Every project</option>
          {options.projects.map((p) => (
            <option key={p.id} value={p.id} selected={values.project_id === p.id}>{p.name}</option>
          ))}
        </SelectField>
      </div>
      <fieldset {...invalid("event_types", errors)}>
        <legend>Events</legend>
        <div class="event-type-grid">
          {EVENT_TYPES.map((t) => (
            <label key={t}>
              <input type="checkbox" name="event_types" value={t} checked={chosen.has(t)} /> {EVENT_LABELS[t]}
            </label>
          ))}
        </div>
        <FieldError name="event_types" errors={errors} />
      </fieldset>
      <div class="grid">
        <SelectField name="mode" label="Delivery" errors={errors}>
          <option value="immediate" selected={values.mode !== "digest"}>Each event at once</option>
          <option value="digest" selected={values.mode === "digest"}>A digest every N minutes</option>
        </SelectField>
        <label>
          Digest window (minutes)
          <input
            type="number"
            name="digest_minutes"
            min={1}
            max={10080}
            value={values.digest_minutes}
            placeholder="only for a digest, e.g. 15"
            {...invalid("digest_minutes", errors)}
          />
          <FieldError name="digest_minutes" errors={errors} />
        </label>
      </div>
      <button type="submit">{submit}</button>
    </form>
  );
}
