/** Server-side rendering: a Preact tree to an HTML string. */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";

// deno-lint-ignore no-explicit-any
export function renderPage(node: VNode<any>, options: { fragment?: boolean } = {}): string {
  const html = renderToString(node);
  return options.fragment ? html : `<!doctype html>${html}`;
}
