/**
 * One form for every check type. All fields are in the page; CSS (`:has()`
 * on the type select) hides the ones the chosen type does not use, and
 * without that every fieldset says which types it is for. The route ignores
 * fields of other types, so a stale value in a hidden field does no harm.
 */
import { useContext } from "preact/hooks";
import { CHECK_TYPES, type CheckType, HTTP_METHODS } from "../../db/queries/health_checks.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import type { NotifyForm } from "../../services/checks/notify.ts";
import { NotifyFieldset } from "./_notify_fieldset.tsx";

/** What the form shows: the fields as text, as typed (or as stored, when editing). */
export type CheckFormValues = Partial<Record<string, string>>;

export interface CheckFormProps {
  /** null: a new check. */
  checkId: string | null;
  values: CheckFormValues;
  errors?: FieldErrors;
  /** A refusal not tied to one field. */
  error?: string;
  projects: { id: string; name: string }[];
  parents: { id: string; name: string; project_name: string }[];
  /** The projects' environments, offered grouped by project; the route refuses another project's. */
  environments: { id: string; project_id: string; name: string }[];
  notify?: NotifyForm;
}

const TYPE_LABEL: Record<CheckType, string> = {
  http: "HTTP(S) — request a URL",
  tcp: "TCP — connect to a port",
  heartbeat: "Heartbeat — a job pings Opsdeck",
};

function Checkbox({ name, label, values }: { name: string; label: string; values: CheckFormValues }) {
  return (
    <label>
      <input type="checkbox" name={name} value="true" checked={values[name] === "true"} /> {label}
    </label>
  );
}

function TextArea(
  { name, label, values, errors, rows, placeholder }: {
    name: string;
    label: string;
    values: CheckFormValues;
    errors?: FieldErrors;
    rows: number;
    placeholder?: string;
  },
) {
  return (
    <label>
      {label}
      <textarea name={name} rows={rows} placeholder={placeholder} {...invalid(name, errors)}>
        {values[name] ?? ""}
      </textarea>
      <FieldError name={name} errors={errors} />
    </label>
  );
}

/** The check's environment, grouped by project (without script the choice cannot follow the project select). */
function EnvironmentSelect({ values, errors, projects, environments }: {
  values: CheckFormValues;
  errors: FieldErrors;
  projects: CheckFormProps["projects"];
  environments: CheckFormProps["environments"];
}) {
  return (
    <label>
      Environment
      <select name="environment_id" {...invalid("environment_id", errors)}>
        <option value="">None</option>
        {projects.filter((p) => environments.some((e) => e.project_id === p.id)).map((p) => (
          <optgroup key={p.id} label={p.name}>
            {environments.filter((e) =>
              e.project_id === p.id
            ).map((e) => <option key={e.id} value={e.id} selected={e.id === values.environment_id}>{e.name}</option>)}
          </optgroup>
        ))}
      </select>
      <FieldError name="environment_id" errors={errors} />
      <small class="muted">
        One of the chosen project's environments, shown with the check and filterable on the board.
      </small>
    </label>
  );
}

export function CheckFormPage(
  { checkId, values, errors = {}, error, projects, parents, environments, notify }: CheckFormProps,
) {
  const { csrfToken } = useContext(PageContext);
  const type = (values.type ?? "http") as CheckType;
  const field = (
    name: string,
    label: string,
    extra: { type?: string; placeholder?: string; maxLength?: number; required?: boolean } = {},
  ) => <FormField name={name} label={label} value={values[name] ?? ""} errors={errors} {...extra} />;
  const title = checkId ? `Edit ${values.name ?? "check"}` : "New check";
  return (
    <Layout title={title}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/checks">Checks</a>
          </li>
          {checkId && (
            <li>
              <a href={`/checks/${checkId}`}>{values.name}</a>
            </li>
          )}
          <li>{checkId ? "Edit" : "New"}</li>
        </ul>
      </nav>
      <h1>{title}</h1>
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      <form method="post" action={checkId ? `/checks/${checkId}` : "/checks"} class="check-form" novalidate>
        <CsrfField token={csrfToken} />
        <fieldset class="check-fields">
          <div class="grid">
            <label>
              Project
              <select name="project_id" {...invalid("project_id", errors)}>
                <option value="">Choose a project…</option>
                {projects.map((p) => (
                  <option key={p.id} value={p.id} selected={p.id === values.project_id}>{p.name}</option>
                ))}
              </select>
              <FieldError name="project_id" errors={errors} />
            </label>
            <label>
              Type
              <select id="check-type" name="type" disabled={checkId !== null} {...invalid("type", errors)}>
                {CHECK_TYPES.filter((t) => !checkId || t === type).map((t) => (
                  <option key={t} value={t} selected={t === type}>{TYPE_LABEL[t]}</option>
                ))}
              </select>
              <FieldError name="type" errors={errors} />
              {checkId && <small class="muted">A check keeps its type; create a new one to watch differently.</small>}
            </label>
          </div>
          <div class="grid">
            {field("name", "Name", { required: true, maxLength: 200, placeholder: "Storefront home page" })}
            <EnvironmentSelect values={values} errors={errors} projects={projects} environments={environments} />
          </div>
          <div class="grid">
            {field("interval_seconds", "Interval (seconds; a heartbeat's expected period)", {
              type: "number",
              placeholder: "60",
            })}
            <label>
              Depends on
              <select name="depends_on_id" {...invalid("depends_on_id", errors)}>
                <option value="">Nothing</option>
                {parents.filter((c) => c.id !== checkId).map((c) => (
                  <option key={c.id} value={c.id} selected={c.id === values.depends_on_id}>
                    {c.project_name} / {c.name}
                  </option>
                ))}
              </select>
              <FieldError name="depends_on_id" errors={errors} />
              <small class="muted">While that check is down, this one's alerts are held back.</small>
            </label>
          </div>
        </fieldset>

        <fieldset class="check-fields for-http">
          <legend>
            Request <small class="muted">(HTTP checks)</small>
          </legend>
          <div class="grid check-url-row">
            <label>
              Method
              <select name="method" {...invalid("method", errors)}>
                {HTTP_METHODS.map((m) => (
                  <option key={m} value={m} selected={m === (values.method ?? "GET")}>{m}</option>
                ))}
              </select>
              <FieldError name="method" errors={errors} />
            </label>
            {field("url", "URL", { type: "url", placeholder: "https://shop.example.com/healthz", maxLength: 2048 })}
          </div>
          <TextArea
            name="headers"
            label="Headers (one “Name: value” per line)"
            rows={2}
            values={values}
            errors={errors}
            placeholder="Accept: application/json"
          />
          <TextArea name="body" label="Body (not for GET or HEAD)" rows={2} values={values} errors={errors} />
          <div class="grid">
            <Checkbox name="follow_redirects" label="Follow redirects (up to 3)" values={values} />
            <Checkbox name="verify_tls" label="Verify the TLS certificate" values={values} />
          </div>
        </fieldset>

        <fieldset class="check-fields for-http">
          <legend>
            What counts as up <small class="muted">(HTTP checks)</small>
          </legend>
          <div class="grid">
            {field("expected_status", "Accepted status codes", { placeholder: "200, 204" })}
            {field("keyword", "Keyword in the body", { placeholder: "ok", maxLength: 500 })}
          </div>
          <Checkbox name="keyword_invert" label="Down when the keyword IS present (e.g. “error”)" values={values} />
          <div class="grid">
            {field("json_path", "JSON path", { placeholder: "$.status" })}
            {field("json_expected", "Expected value at the JSON path", { placeholder: "ok" })}
          </div>
          {field("cert_expiry_days", "Warn this many days before the certificate expires", {
            type: "number",
            placeholder: "14",
          })}
        </fieldset>

        <fieldset class="check-fields for-tcp">
          <legend>
            Target <small class="muted">(TCP checks)</small>
          </legend>
          <div class="grid">
            {field("host", "Host", { placeholder: "db.internal.example.com", maxLength: 253 })}
            {field("port", "Port", { type: "number", placeholder: "5432" })}
          </div>
        </fieldset>

        <fieldset class="check-fields for-http for-tcp">
          <legend>
            Timing <small class="muted">(HTTP and TCP checks)</small>
          </legend>
          <div class="grid">
            {field("timeout_ms", "Timeout (ms)", { type: "number", placeholder: "10000" })}
            {field("degraded_latency_ms", "Degraded above (ms)", { type: "number", placeholder: "1500" })}
            {field("confirmations", "Failures before down", { type: "number", placeholder: "1" })}
          </div>
        </fieldset>

        <fieldset class="check-fields for-heartbeat">
          <legend>
            Schedule <small class="muted">(heartbeat checks)</small>
          </legend>
          <div class="grid">
            {field("cron", "Cron expression (instead of the interval)", { placeholder: "0 3 * * *" })}
            {field("timezone", "Time zone", { placeholder: "UTC" })}
            {field("grace_seconds", "Grace (seconds)", { type: "number", placeholder: "300" })}
          </div>
          <div class="grid">
            {field("min_duration_ms", "A run faster than this fails (ms)", { type: "number" })}
            {field("max_duration_ms", "A run slower than this fails (ms)", { type: "number" })}
          </div>
          <small class="muted">Durations are measured from a /start ping to the success ping.</small>
        </fieldset>

        {notify && <NotifyFieldset notify={notify} errors={errors} />}
        <div class="form-actions">
          <button type="submit">{checkId ? "Save" : "Create check"}</button>
          <a href={checkId ? `/checks/${checkId}` : "/checks"} role="button" class="secondary outline">Cancel</a>
        </div>
      </form>
    </Layout>
  );
}
