import type { ComponentChildren } from "preact";
import type { FieldError as ServiceFieldError } from "../../services/platform/errors.ts";

/** Field errors from the same zod schemas the API uses, keyed by path. */
export type FieldErrors = Record<string, string>;

export function toFieldErrors(errors: ServiceFieldError[] | undefined): FieldErrors {
  return Object.fromEntries((errors ?? []).map((e) => [e.path, e.message]));
}

interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
  maxLength?: number;
}

/** The attributes that mark a control with an error invalid and point at the message. */
export const invalid = (name: string, errors?: FieldErrors) =>
  errors?.[name] ? { "aria-invalid": "true" as const, "aria-describedby": `${name}-error` } : {};

/** The message under a control with an error; nothing for a valid one. */
export function FieldError({ name, errors }: { name: string; errors?: FieldErrors }) {
  const error = errors?.[name];
  return error ? <small id={`${name}-error`} class="field-error">{error}</small> : null;
}

/** A labelled input that shows its own error inline, marked aria-invalid. */
export function FormField({ name, label, type = "text", value, errors, ...rest }: FieldProps) {
  return (
    <label>
      {label}
      <input
        name={name}
        type={type}
        value={type === "password" ? undefined : value}
        {...invalid(name, errors)}
        {...rest}
      />
      <FieldError name={name} errors={errors} />
    </label>
  );
}

/** A labelled select (options as children) that shows its own error inline, marked aria-invalid. */
export function SelectField(
  { name, label, errors, children }: { name: string; label: string; errors?: FieldErrors; children: ComponentChildren },
) {
  return (
    <label>
      {label}
      <select name={name} {...invalid(name, errors)}>
        {children}
      </select>
      <FieldError name={name} errors={errors} />
    </label>
  );
}

export function CsrfField({ token }: { token?: string }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}
