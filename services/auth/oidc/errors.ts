/** Why a single sign-on attempt stopped: a status and message for the person, a reason code for the log. */
import { AppError } from "../../platform/errors.ts";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  409: "Conflict",
  502: "Bad gateway",
  503: "Service unavailable",
};

export class OidcRefusal extends AppError {
  constructor(
    status: 400 | 401 | 403 | 409 | 502 | 503,
    /** Stable code for logs and tests, e.g. `state_mismatch`, `id_token_invalid`. */
    readonly reason: string,
    detail: string,
    /** What went wrong technically; logged, never shown (it may describe the provider's internals). */
    readonly logDetail?: string,
  ) {
    super(status, TITLES[status], detail);
  }
}
