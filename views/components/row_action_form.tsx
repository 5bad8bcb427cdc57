import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";
import { CsrfField } from "./form_field.tsx";

export interface RowActionFormProps {
  action: string;
  /** Asked before posting (htmx). */
  confirm?: string;
  children: ComponentChildren;
}

/** A POST form in a table row: htmx swaps the row for the answer; without JavaScript it is a plain post. */
export function RowActionForm({ action, confirm, children }: RowActionFormProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target="closest tr"
      hx-swap="outerHTML"
      hx-confirm={confirm}
      class="inline-form"
    >
      <CsrfField token={csrfToken} />
      {children}
    </form>
  );
}
