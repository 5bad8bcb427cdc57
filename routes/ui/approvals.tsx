/**
 * Approvals in the browser: the inbox (/approvals), asking for an approval or
 * a role, and a request's page with Approve / Reject and comments. Posts
 * redirect (303) back; a refusal (four-eyes, expired, bad input) is shown on
 * the page in plain words with its status.
 */
import { type Context, Hono } from "hono";
import { accessRoleChoices, requestAccess } from "../../services/approvals/access.ts";
import { listGates, setProtection } from "../../services/approvals/deploy_gate.ts";
import {
  addComment,
  createApproval,
  decideApproval,
  getApproval,
  listApprovals,
  mayDecide,
} from "../../services/approvals/approvals.ts";
import {
  AccessRequestSchema,
  CommentSchema,
  CreateApprovalSchema,
  DecisionSchema,
} from "../../services/approvals/schemas.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { ApprovalPage } from "../../views/approvals/approval_page.tsx";
import { ApprovalsPage, type InboxView } from "../../views/approvals/approvals_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

const NOT_FOUND = "Approval request not found";
type Notice = { kind: "ok" | "error"; text: string };

const messageOf = (error: { message: string; errors?: { path: string; message: string }[] }) =>
  error.errors?.map((e) => `${e.path.replaceAll("_", " ")} ${e.message}`).join("; ") ?? error.message;

async function renderInbox(c: Context<AppEnv>, principal: Principal, notice?: Notice, status = 200) {
  const { sql } = c.get("deps");
  const asked = c.req.query("view");
  const view: InboxView = asked === "mine" || asked === "all" ? asked : "to_decide";
  const page = await listApprovals(sql, principal, {
    view,
    status: view === "to_decide" ? "pending" : undefined,
    cursor: c.req.query("cursor") || undefined,
    limit: 50,
  });
  const canAsk = can(principal, "approvals", "write");
  const roles = canAsk ? await accessRoleChoices(sql, principal) : [];
  const gates = can(principal, "approvals", "manage") ? await listGates(sql, principal) : null;
  return html(
    c,
    <ApprovalsPage
      approvals={page.data}
      view={view}
      nextCursor={page.next_cursor}
      canAsk={canAsk}
      roles={roles}
      gates={gates}
      notice={notice}
    />,
    status,
  );
}

async function renderRequest(c: Context<AppEnv>, principal: Principal, id: string, notice?: Notice, status = 200) {
  const { approval, comments } = await getApproval(c.get("deps").sql, principal, id, auditContext(c));
  const canDecide = approval.requester_id !== principal.userId && mayDecide(principal, approval);
  return html(
    c,
    <ApprovalPage
      approval={approval}
      comments={comments}
      canDecide={canDecide}
      canComment={can(principal, "approvals", "write")}
      notice={notice}
    />,
    status,
  );
}

export function approvalPages() {
  const app = new Hono<AppEnv>();

  app.get("/approvals", (c) => renderInbox(c, requireUserPage(c)));

  app.post("/approvals", async (c) => {
    const principal = requireUserPage(c);
    const body = await formFields(c);
    try {
      const input = parseForm(CreateApprovalSchema, { title: body.title ?? "", priority: body.priority || undefined });
      const { sql, config } = c.get("deps");
      const a = await createApproval(sql, principal, input, auditContext(c), config.baseUrl);
      return c.redirect(`/approvals/${a.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderInbox(c, principal, { kind: "error", text: messageOf(error) }, error.status);
    }
  });

  app.post("/approvals/access", async (c) => {
    const principal = requireUserPage(c);
    const body = await formFields(c);
    try {
      const input = parseForm(AccessRequestSchema, { role_id: body.role_id ?? "", reason: body.reason ?? "" });
      const { sql, config } = c.get("deps");
      const a = await requestAccess(sql, principal, input, auditContext(c), config.baseUrl);
      return c.redirect(`/approvals/${a.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderInbox(c, principal, { kind: "error", text: messageOf(error) }, error.status);
    }
  });

  app.post("/approvals/gates", async (c) => {
    const principal = requireUserPage(c);
    const body = await formFields(c);
    try {
      const projectId = /^[0-9a-f-]{36}$/i.test(body.project_id ?? "") ? body.project_id : crypto.randomUUID();
      const on = body.protected === "true";
      const g = await setProtection(
        c.get("deps").sql,
        principal,
        projectId,
        body.environment ?? "",
        on,
        auditContext(c),
      );
      const text = `${g.project_name} → ${g.environment} is ${on ? "protected" : "no longer protected"}.`;
      return renderInbox(c, principal, { kind: "ok", text });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderInbox(c, principal, { kind: "error", text: messageOf(error) }, error.status);
    }
  });

  app.get("/approvals/:id", (c) => renderRequest(c, requireUserPage(c), idParam(c, NOT_FOUND)));

  for (const [verb, decision] of [["approve", "approved"], ["reject", "rejected"]] as const) {
    app.post(`/approvals/:id/${verb}`, async (c) => {
      const principal = requireUserPage(c);
      const id = idParam(c, NOT_FOUND);
      const body = await formFields(c);
      try {
        const input = parseForm(DecisionSchema, { comment: body.comment || undefined });
        await decideApproval(c.get("deps").sql, principal, id, decision, input, auditContext(c));
        return c.redirect(`/approvals/${id}`, 303);
      } catch (error) {
        if (!isShownInPlace(error)) throw error;
        return renderRequest(c, principal, id, { kind: "error", text: messageOf(error) }, error.status);
      }
    });
  }

  app.post("/approvals/:id/comments", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const body = await formFields(c);
    try {
      const input = parseForm(CommentSchema, { body: body.body ?? "" });
      await addComment(c.get("deps").sql, principal, id, input, auditContext(c));
      return c.redirect(`/approvals/${id}#comments`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderRequest(c, principal, id, { kind: "error", text: messageOf(error) }, error.status);
    }
  });

  return app;
}
