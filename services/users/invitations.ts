/**
 * Inviting users and accepting invitations. Inviting creates the user as
 * `invited` plus a single-use link valid for 7 days; only the SHA-256 of the
 * link's token is stored. The link is e-mailed when SMTP is configured and is
 * always returned to the inviter (the API response, or shown once on the page).
 */
import type { Sql } from "../../db/client.ts";
import {
  claimInvitation,
  expireOpenInvitations,
  findInvitationByTokenHash,
  insertInvitation,
  type InvitationLookup,
} from "../../db/queries/invitations.ts";
import { getTenant } from "../../db/queries/tenants.ts";
import { activateInvitedUser, emailTaken, insertUser, type UserRow } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { hashPassword, passwordProblem } from "../auth/passwords.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { invitationEmail } from "./invitation_email.ts";
import type { Mailer } from "../platform/mailer.ts";
import { assertCanGrant, resolveRole } from "../roles/resolve.ts";
import type { AcceptInvitationInput, InviteUserInput } from "./schemas.ts";
import { checkClientAssignment, loadUserFor, orConflict } from "./rules.ts";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** 410: the link existed but can no longer be used (accepted, expired or withdrawn). */
export class GoneError extends AppError {
  constructor(detail: string) {
    super(410, "Gone", detail);
  }
}

/** How a new link reaches the invitee. `baseUrl` is OPSDECK_BASE_URL or the request's origin. */
export interface InviteDelivery {
  baseUrl: string;
  mailer: Mailer | null;
  logger: Logger;
}

export interface InvitationResult {
  user: UserRow;
  url: string;
  expiresAt: Date;
  emailSent: boolean;
}

interface IssuedLink {
  url: string;
  expiresAt: Date;
  organization: string;
}

/** Inserts a fresh invitation inside the caller's transaction and returns its link. */
export async function issueInvitation(
  tx: Sql,
  tenantId: string,
  userId: string,
  now: Date,
  baseUrl: string,
): Promise<IssuedLink> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  await insertInvitation(tx, { tenantId, userId, tokenHash: await sha256(token), expiresAt, now });
  const tenant = await getTenant(tx, tenantId);
  return {
    url: `${baseUrl}/invitations/accept?token=${token}`,
    expiresAt,
    organization: tenant?.name ?? "Opsdeck",
  };
}

/**
 * Sends the link after the transaction committed. A failed send does not undo
 * the invitation: the inviter still gets the link and can pass it on.
 */
export async function deliverInvitation(
  delivery: InviteDelivery,
  to: string,
  link: IssuedLink,
  inviter: string | null,
): Promise<boolean> {
  if (!delivery.mailer) return false;
  try {
    await delivery.mailer.send(
      invitationEmail({ to, organization: link.organization, inviter, url: link.url, expiresAt: link.expiresAt }),
    );
    return true;
  } catch (error) {
    delivery.logger.warn("invitation e-mail not sent", { to, error: (error as Error).message });
    return false;
  }
}

/** POST /api/v1/users: creates the invited user and their link. Needs users:manage. */
export async function inviteUser(
  sql: Sql,
  principal: Principal,
  input: InviteUserInput,
  ctx: AuditContext,
  delivery: InviteDelivery,
): Promise<InvitationResult> {
  authorize(principal, "users", "manage");
  const email = input.email.trim().toLowerCase();
  const tenantId = principal.tenantId;
  const taken = () => new ConflictError(`${email} already has an account`, [{ path: "email", message: "is taken" }]);
  if (await emailTaken(sql, email)) throw taken();
  const { user, link } = await withTenant(sql, tenantId, async (tx) => {
    const role = await resolveRole(tx, tenantId, input.role);
    assertCanGrant(principal, role.permissions, `give the role "${role.name}"`);
    await checkClientAssignment(tx, tenantId, role, input.client_id ?? null);
    const user = await orConflict(
      insertUser(tx, {
        tenantId,
        email,
        name: input.name ?? null,
        status: "invited",
        roleId: role.id,
        clientId: input.client_id ?? null,
      }),
      taken,
    );
    const link = await issueInvitation(tx, tenantId, user.id, ctx.now, delivery.baseUrl);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "user.invite",
      resourceType: "user",
      resourceId: user.id,
      after: { email, name: user.name, role: role.name, client_id: user.client_id, status: user.status },
      details: { expires_at: link.expiresAt },
    });
    return { user, link };
  });
  const emailSent = await deliverInvitation(delivery, email, link, principal.name ?? principal.email);
  return { user, url: link.url, expiresAt: link.expiresAt, emailSent };
}

/** A new link for a user who has not accepted yet; older links stop working. */
export async function resendInvitation(
  sql: Sql,
  principal: Principal,
  userId: string,
  ctx: AuditContext,
  delivery: InviteDelivery,
): Promise<InvitationResult> {
  authorize(principal, "users", "manage");
  const tenantId = principal.tenantId;
  const { user, link } = await withTenant(sql, tenantId, async (tx) => {
    const user = await loadUserFor(tx, principal, userId, { forUpdate: true });
    if (user.status !== "invited") {
      throw new ConflictError(`${user.email} is ${user.status}, not invited: there is no invitation to resend`);
    }
    const withdrawn = await expireOpenInvitations(tx, tenantId, user.id, ctx.now);
    const link = await issueInvitation(tx, tenantId, user.id, ctx.now, delivery.baseUrl);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "user.reinvite",
      resourceType: "user",
      resourceId: user.id,
      details: { expires_at: link.expiresAt, links_withdrawn: withdrawn },
    });
    return { user, link };
  });
  const emailSent = await deliverInvitation(delivery, user.email, link, principal.name ?? principal.email);
  return { user, url: link.url, expiresAt: link.expiresAt, emailSent };
}

/**
 * What a link stands for, or why it cannot be used: 404 for a token we never
 * issued, 410 for one that was used, withdrawn or has expired.
 */
export async function lookupInvitation(sql: Sql, token: string, now: Date): Promise<InvitationLookup> {
  const found = await findInvitationByTokenHash(sql, await sha256(token));
  if (!found) throw new NotFoundError("This invitation link is not valid: check that it was copied whole");
  if (found.accepted_at) throw new GoneError("This invitation has already been used: sign in instead");
  if (found.status !== "invited") {
    throw new GoneError("This invitation was withdrawn: ask an administrator for a new one");
  }
  if (found.expires_at <= now) {
    throw new GoneError(
      `This invitation expired on ${found.expires_at.toISOString()}: ask an administrator for a new one`,
    );
  }
  return found;
}

/**
 * Sets the password and activates the account. The invitation is claimed with
 * a conditional UPDATE, so two concurrent accepts cannot both succeed.
 */
export async function acceptInvitation(
  sql: Sql,
  input: AcceptInvitationInput,
  ctx: AuditContext,
): Promise<UserRow> {
  const found = await lookupInvitation(sql, input.token, ctx.now);
  const problem = await passwordProblem(input.password, [found.email, input.name ?? found.name ?? ""]);
  if (problem) throw new ValidationError([{ path: "password", message: `Password ${problem}` }]);
  const passwordHash = await hashPassword(input.password);
  return await withTenant(sql, found.tenant_id, async (tx) => {
    if (!await claimInvitation(tx, found.tenant_id, found.id, ctx.now)) {
      throw new GoneError("This invitation has already been used: sign in instead");
    }
    const user = await activateInvitedUser(tx, found.tenant_id, found.user_id, { passwordHash, name: input.name });
    if (!user) throw new GoneError("This invitation was withdrawn: ask an administrator for a new one");
    // The invitee is the actor, whoever else may be signed in in this browser.
    await recordAudit(tx, { ...ctx, actor: null, actorLabel: user.email }, {
      tenantId: found.tenant_id,
      action: "invitation.accept",
      resourceType: "user",
      resourceId: user.id,
      before: { status: "invited" },
      after: { status: user.status, name: user.name },
      details: { invitation_id: found.id },
    });
    return user;
  });
}
