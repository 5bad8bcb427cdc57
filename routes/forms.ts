/**
 * Reading what a page posts: form fields as strings, checked with the same zod
 * schemas as the API, and the refusals a person can fix shown back in place.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { AppError, NotFoundError, ValidationError } from "../services/platform/errors.ts";
import { isUuid } from "../services/platform/ids.ts";
import { type FieldErrors, toFieldErrors } from "../views/components/form_field.tsx";
import type { AppEnv } from "./deps.ts";
import { fieldErrorsFromZod } from "./problem.ts";

type Form = Record<string, string | string[]>;

/** A form body as strings (repeated fields as arrays), without the CSRF field. */
export async function formBody(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody({ all: true });
  const out: Form = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "_csrf") continue;
    if (typeof value === "string") out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === "string");
  }
  return out;
}

/** A form of single fields as strings (a repeated field keeps its last value), without the CSRF field. */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(
    Object.entries(body).filter(([k, v]) => k !== "_csrf" && typeof v === "string"),
  ) as Record<string, string>;
}

/** A single field of `formBody`; a repeated one is no value. */
export function text(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A field that may repeat (checkboxes) as a list; an absent one is empty. */
export function texts(value: string | string[] | undefined): string[] {
  return [value ?? []].flat();
}

/**
 * The same zod schema as the API; a failure is the same 422 naming each field,
 * with zod's own wording (written for developers) put in plain words.
 */
export function parseForm<T extends z.ZodType>(schema: T, input: object): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      fieldErrorsFromZod(parsed.error.issues).map((e, i) => ({
        ...e,
        message: plainMessage(parsed.error.issues[i], input),
      })),
    );
  }
  return parsed.data;
}

/** zod's default messages start so; a schema's own message is already written for people and is kept. */
const ZOD_DEFAULT = /^(Invalid|Too small|Too big|Unrecognized key|Expected)/;

const FORMATS: Record<string, string> = {
  email: "Enter an email address, like name@example.com",
  url: "Enter a full address starting with https://",
  uuid: "Choose one from the list",
  date: "Enter a date",
  datetime: "Enter a date and time",
};

/** A page's message for one refused field: what to type or choose, not what the parser expected. */
export function plainMessage(issue: z.core.$ZodIssue, input: object): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  // zod leaves the refused value out of its issues; the form's own is at the issue's path.
  const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], input);
  const missing = value === undefined || value === null || value === "";
  switch (issue.code) {
    case "invalid_type":
      if (missing) return "This field is required";
      return issue.expected === "number" || issue.expected === "int" ? "Enter a number" : "Enter a valid value";
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1 ? "This field is required" : `Use at least ${issue.minimum} characters`;
      }
      if (issue.origin === "array" || issue.origin === "set") return `Choose at least ${issue.minimum}`;
      return `Enter ${issue.minimum} or more`;
    case "too_big":
      if (issue.origin === "string") return `Use at most ${issue.maximum} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `Choose at most ${issue.maximum}`;
      return `Enter ${issue.maximum} or less`;
    case "invalid_format":
      if (missing) return "This field is required";
      return FORMATS[issue.format] ?? "This is not in the expected form";
    case "invalid_value":
      return missing ? "Choose one of the options" : "Choose one of the options offered";
    case "unrecognized_keys":
      return "This form sent a field it does not know; reload the page and try again";
    default:
      return missing ? "This field is required" : "This value is not accepted";
  }
}

/** Errors a person can fix or should read in place; anything else goes to the error page. */
export function isShownInPlace(error: unknown): error is AppError {
  return error instanceof AppError && error.status < 500 && error.status !== 401 && error.status !== 404;
}

/** A refused form's field errors, or its one message when no field is to blame. */
export function formErrors(error: AppError): { errors: FieldErrors; error?: string } {
  return { errors: toFieldErrors(error.errors), error: error.errors ? undefined : error.message };
}

/** The path's `:id`: anything but a UUID is a 404 before it reaches a query. */
export function idParam(c: Context<AppEnv>, notFound?: string, name = "id"): string {
  const id = c.req.param(name) ?? "";
  if (!isUuid(id)) throw new NotFoundError(notFound);
  return id;
}
