/**
 * axe-core in the page under test: serious and critical violations fail the
 * test. The engine is evaluated through the DevTools protocol (page.evaluate),
 * which the app's Content-Security-Policy (script-src 'self') does not govern,
 * so the pages are checked with their real policy on. `@axe-core/playwright`
 * expects the `playwright` package; playwright-core is what we drive.
 */
import type { Page } from "playwright-core";

let source: string | undefined;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical violations on the page as it is now, as readable lines (empty: none). */
export async function axeViolations(page: Page): Promise<string[]> {
  source ??= await Deno.readTextFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run({ resultTypes: ["violations"] })).violations;
  }) as Violation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${new URL(page.url()).pathname}: ${v.id} (${v.impact}) ${v.help} at ${
        v.nodes.map((n) => n.target.join(" ")).join(", ")
      }`
    );
}
