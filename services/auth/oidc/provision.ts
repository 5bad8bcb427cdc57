/**
 * Who a verified ID token is, in Opsdeck. The only key is the pair
 * (issuer, subject) in external_identities; an e-mail address alone never
 * links a provider account to an existing user (whoever controls an address
 * at some provider would otherwise own the Opsdeck account that uses it).
 * Without a linked identity, in this order:
 *   1. an invited user whose open invitation matches the verified e-mail:
 *      link, accept the invitation, activate;
 *   2. an existing user with that e-mail: refuse (sign in with the password
 *      and link from the profile, or ask an admin);
 *   3. OIDC_DEFAULT_ROLE + OIDC_TENANT configured (and the domain allowed):
 *      create the user, active, in that role;
 *   4. otherwise refuse.
 * Each branch that writes runs in one tenant transaction with its audit row;
 * the provider's tokens are stored encrypted on the identity.
 */
import type { Sql } from "../../../db/client.ts";
import { findUserForLogin } from "../../../db/queries/auth.ts";
import {
  findIdentityBySubject,
  findTenantIdBySlug,
  type IdentityTokens,
  insertIdentity,
  updateIdentityTokens,
} from "../../../db/queries/external_identities.ts";
import { claimInvitation, findOpenInvitation } from "../../../db/queries/invitations.ts";
import { findRoleByName } from "../../../db/queries/roles.ts";
import { activateInvitedUser, insertUser } from "../../../db/queries/users.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import type { OidcConfig } from "../../platform/config.ts";
import type { Keyring } from "../../platform/secrets/crypto.ts";
import { identityTokenAad } from "../../platform/secrets/fields.ts";
import type { Principal } from "../permissions.ts";
import { OidcRefusal } from "./errors.ts";
import type { ProviderTokens, VerifiedClaims } from "./id_token.ts";

export const PROVIDER = "oidc";

export interface VerifiedSignIn {
  issuer: string;
  claims: VerifiedClaims;
  tokens: ProviderTokens;
}

export interface SignedInUser {
  tenantId: string;
  userId: string;
  email: string;
  outcome: "returning" | "invitation_accepted" | "provisioned";
}

/** A verified sign-in → the Opsdeck user to open a session for (see the order above), or an OidcRefusal. */
export async function resolveOidcUser(
  sql: Sql,
  config: OidcConfig,
  keyring: Keyring,
  signIn: VerifiedSignIn,
  ctx: AuditContext,
): Promise<SignedInUser> {
  const { issuer, claims } = signIn;
  const linked = await findIdentityBySubject(sql, { provider: PROVIDER, issuer, subject: claims.subject });
  if (linked) {
    const audit = { ...ctx, actorLabel: linked.user_email };
    if (linked.user_status !== "active") {
      await auditRefusal(sql, audit, linked.tenant_id, linked.user_id, `status_${linked.user_status}`);
      throw new OidcRefusal(403, "user_not_active", `This Opsdeck account is ${linked.user_status}; ask an admin`);
    }
    await withTenant(sql, linked.tenant_id, async (tx) => {
      await updateIdentityTokens(tx, linked.tenant_id, linked.id, {
        email: claims.email ?? null,
        ...await sealTokens(keyring, linked.id, signIn.tokens),
      });
      await recordAudit(tx, audit, {
        tenantId: linked.tenant_id,
        action: "identity.update",
        resourceType: "external_identity",
        resourceId: linked.id,
        details: { via: PROVIDER, reason: "sign-in refreshed the provider tokens" },
      });
    });
    return { tenantId: linked.tenant_id, userId: linked.user_id, email: linked.user_email, outcome: "returning" };
  }

  const email = claims.email;
  if (!email || !claims.emailVerified) {
    throw new OidcRefusal(
      403,
      "email_not_verified",
      "Your single sign-on provider did not confirm an e-mail address for this account, so Opsdeck cannot match " +
        "it to an invitation. Ask an admin",
    );
  }
  const existing = await findUserForLogin(sql, email);
  if (existing?.status === "invited") return await acceptInvitation(sql, keyring, signIn, existing, ctx);
  if (existing) {
    await auditRefusal(sql, { ...ctx, actorLabel: existing.email }, existing.tenant_id, existing.id, "oidc_not_linked");
    throw new OidcRefusal(
      403,
      "email_in_use",
      `An Opsdeck account already uses ${email}, and single sign-on is never linked to an account by e-mail alone. ` +
        "Sign in with your password, then link single sign-on from your profile — or ask an admin",
    );
  }
  return await provisionUser(sql, config, keyring, signIn, email, ctx);
}

/** A signed-in user links a provider account to themselves (profile → "Link single sign-on"). */
export async function linkOidcIdentity(
  sql: Sql,
  keyring: Keyring,
  principal: Principal,
  signIn: VerifiedSignIn,
  ctx: AuditContext,
): Promise<"linked" | "already_linked"> {
  const { issuer, claims } = signIn;
  const linked = await findIdentityBySubject(sql, { provider: PROVIDER, issuer, subject: claims.subject });
  if (linked && linked.user_id !== principal.userId) {
    throw new OidcRefusal(409, "identity_taken", "That single sign-on account is already linked to another user");
  }
  const identityId = linked?.id ?? crypto.randomUUID();
  await refuseOnConflict(() =>
    withTenant(sql, principal.tenantId, async (tx) => {
      const tokens = await sealTokens(keyring, identityId, signIn.tokens);
      if (linked) {
        await updateIdentityTokens(tx, principal.tenantId, identityId, { email: claims.email ?? null, ...tokens });
      } else {
        await insertIdentity(tx, {
          id: identityId,
          tenantId: principal.tenantId,
          userId: principal.userId,
          provider: PROVIDER,
          issuer,
          subject: claims.subject,
          email: claims.email ?? null,
          ...tokens,
        });
      }
      await recordAudit(tx, ctx, {
        tenantId: principal.tenantId,
        action: linked ? "identity.update" : "identity.link",
        resourceType: "external_identity",
        resourceId: identityId,
        details: { via: PROVIDER, issuer, subject: claims.subject, email: claims.email ?? null },
      });
    })
  );
  return linked ? "already_linked" : "linked";
}

async function acceptInvitation(
  sql: Sql,
  keyring: Keyring,
  signIn: VerifiedSignIn,
  user: { id: string; tenant_id: string; email: string },
  ctx: AuditContext,
): Promise<SignedInUser> {
  const audit = { ...ctx, actorLabel: user.email };
  return await refuseOnConflict(() =>
    withTenant(sql, user.tenant_id, async (tx) => {
      const invitation = await findOpenInvitation(tx, user.tenant_id, user.id, ctx.now);
      if (
        !invitation || !await claimInvitation(tx, user.tenant_id, invitation.id, ctx.now) ||
        !await activateInvitedUser(tx, user.tenant_id, user.id)
      ) {
        throw new OidcRefusal(403, "invitation_expired", "Your invitation has expired or was withdrawn; ask an admin");
      }
      const identityId = await storeNewIdentity(tx, keyring, signIn, user.tenant_id, user.id);
      await recordAudit(tx, audit, {
        tenantId: user.tenant_id,
        action: "invitation.accept",
        resourceType: "user",
        resourceId: user.id,
        details: { via: PROVIDER, invitation_id: invitation.id, identity_id: identityId, issuer: signIn.issuer },
      });
      return { tenantId: user.tenant_id, userId: user.id, email: user.email, outcome: "invitation_accepted" as const };
    })
  );
}

async function provisionUser(
  sql: Sql,
  config: OidcConfig,
  keyring: Keyring,
  signIn: VerifiedSignIn,
  email: string,
  ctx: AuditContext,
): Promise<SignedInUser> {
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (
    !config.defaultRole || !config.tenantSlug ||
    (config.allowedDomains.length > 0 && !config.allowedDomains.includes(domain))
  ) {
    throw new OidcRefusal(
      403,
      "no_account",
      `There is no Opsdeck account or invitation for ${email}. Ask an admin to invite you`,
    );
  }
  const tenantId = await findTenantIdBySlug(sql, config.tenantSlug);
  if (!tenantId) throw misconfigured(`OIDC_TENANT ${config.tenantSlug} names no tenant`);
  return await refuseOnConflict(() =>
    withTenant(sql, tenantId, async (tx) => {
      const role = await findRoleByName(tx, tenantId, config.defaultRole!);
      if (!role) throw misconfigured(`OIDC_DEFAULT_ROLE ${config.defaultRole} is not a role of ${config.tenantSlug}`);
      const user = await insertUser(tx, {
        tenantId,
        email,
        name: signIn.claims.name ?? null,
        status: "active",
        roleId: role.id,
        passwordHash: null,
      });
      const identityId = await storeNewIdentity(tx, keyring, signIn, tenantId, user.id);
      await recordAudit(tx, { ...ctx, actorLabel: email }, {
        tenantId,
        action: "user.create",
        resourceType: "user",
        resourceId: user.id,
        after: { email, name: user.name, role: user.role_name, status: user.status },
        details: { via: PROVIDER, identity_id: identityId, issuer: signIn.issuer },
      });
      return { tenantId, userId: user.id, email, outcome: "provisioned" as const };
    })
  );
}

async function storeNewIdentity(
  tx: Sql,
  keyring: Keyring,
  signIn: VerifiedSignIn,
  tenantId: string,
  userId: string,
): Promise<string> {
  const id = crypto.randomUUID();
  await insertIdentity(tx, {
    id,
    tenantId,
    userId,
    provider: PROVIDER,
    issuer: signIn.issuer,
    subject: signIn.claims.subject,
    email: signIn.claims.email ?? null,
    ...await sealTokens(keyring, id, signIn.tokens),
  });
  return id;
}

/** The provider's access and refresh tokens, encrypted and bound to their row and column. */
async function sealTokens(keyring: Keyring, identityId: string, tokens: ProviderTokens): Promise<IdentityTokens> {
  const access = tokens.accessToken
    ? await keyring.encrypt(tokens.accessToken, identityTokenAad(identityId, "access_token"))
    : undefined;
  const refresh = tokens.refreshToken
    ? await keyring.encrypt(tokens.refreshToken, identityTokenAad(identityId, "refresh_token"))
    : undefined;
  return {
    accessTokenCiphertext: access?.ciphertext ?? null,
    refreshTokenCiphertext: refresh?.ciphertext ?? null,
    keyId: access || refresh ? keyring.currentKeyId : null,
    tokenExpiresAt: tokens.expiresAt ?? null,
    scopes: tokens.scopes,
  };
}

async function auditRefusal(sql: Sql, ctx: AuditContext, tenantId: string, userId: string, reason: string) {
  await withTenant(sql, tenantId, (tx) =>
    recordAudit(tx, ctx, {
      tenantId,
      action: "session.login_failed",
      resourceType: "user",
      resourceId: userId,
      details: { via: PROVIDER, reason },
    }));
}

/** Two sign-ins racing to create the same user or identity: the loser is told to try again. */
async function refuseOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    throw new OidcRefusal(409, "conflict", "Another sign-in for this account finished first; sign in again");
  }
}

function misconfigured(logDetail: string): OidcRefusal {
  return new OidcRefusal(
    503,
    "jit_misconfigured",
    "Single sign-on sign-up is misconfigured on this Opsdeck; ask an admin",
    logDetail,
  );
}
