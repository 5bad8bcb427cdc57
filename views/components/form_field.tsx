import type { FieldError } from "../../services/errors.ts";

/** Field errors from the same zod schemas the API uses, keyed by path. */
export type FieldErrors = Record<string, string>;

export function toFieldErrors(errors: FieldError[] | undefined): FieldErrors {
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

/** A labelled input that shows its own error inline, marked aria-invalid. */
export function FormField({ name, label, type = "text", value, errors, ...rest }: FieldProps) {
  const error = errors?.[name];
  return (
    <label>
      {label}
      <input
        name={name}
        type={type}
        value={type === "password" ? undefined : value}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        {...rest}
      />
      {error && <small id={`${name}-error`} class="field-error">{error}</small>}
    </label>
  );
}

export function CsrfField({ token }: { token?: string }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}
