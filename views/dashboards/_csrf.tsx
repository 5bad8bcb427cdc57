import { useContext } from "preact/hooks";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** The page's CSRF token as the `_csrf` field of a posted form. */
export function Csrf() {
  return <CsrfField token={useContext(PageContext).csrfToken} />;
}
