/**
 * The one error model. Services throw these; `routes/problem.ts` maps them to
 * RFC 9457 problem+json (API) or an error page (UI) in one place.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }

  /** A stable URI per kind of problem, documented in docs/api.md. */
  get type(): string {
    return `https://opsdeck.dev/problems/${this.title.toLowerCase().replaceAll(" ", "-")}`;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = describeFieldErrors(errors)) {
    super(422, "Validation failed", detail, errors);
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string) {
    super(400, "Bad request", detail);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = "Authentication is required") {
    super(401, "Unauthorized", detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = "You do not have permission to do this") {
    super(403, "Forbidden", detail);
  }
}

export class NotFoundError extends AppError {
  constructor(detail = "Not found") {
    super(404, "Not found", detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(409, "Conflict", detail, errors);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, "Payload too large", `The request body is larger than ${formatBytes(limitBytes)}`);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, detail = "Too many requests") {
    super(429, "Too many requests", detail, undefined, { "Retry-After": String(Math.ceil(retryAfterSeconds)) });
  }
}

/** The database cannot serve this now (down, frozen, full, read-only): try again later. */
export class ServiceUnavailableError extends AppError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(503, "Service unavailable", detail, undefined, { "Retry-After": String(Math.ceil(retryAfterSeconds)) });
  }
}

export function describeFieldErrors(errors: FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.path || "body"}: ${e.message}`).join("; ");
  return errors.length > 3 ? `${shown}; and ${errors.length - 3} more` : shown;
}

function formatBytes(bytes: number): string {
  return bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${bytes} bytes`;
}
