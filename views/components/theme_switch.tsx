import type { Theme } from "../page_context.ts";

const NEXT: Record<Theme, Theme> = { auto: "dark", dark: "light", light: "auto" };
const LABEL: Record<Theme, string> = { auto: "Theme: system", dark: "Theme: dark", light: "Theme: light" };

/** A plain form, so the switch works without JavaScript. */
export function ThemeSwitch({ theme, csrfToken }: { theme: Theme; csrfToken?: string }) {
  return (
    <form method="post" action="/preferences/theme" class="inline-form">
      {csrfToken && <input type="hidden" name="_csrf" value={csrfToken} />}
      <input type="hidden" name="theme" value={NEXT[theme]} />
      <button type="submit" class="outline secondary small" title="Switch between system, dark and light">
        {LABEL[theme]}
      </button>
    </form>
  );
}
