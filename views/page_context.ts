/** What every page needs from the request, set once by `routes/render.ts`. */
import { createContext } from "preact";
import type { Principal } from "../services/auth/permissions.ts";

export type Theme = "light" | "dark" | "auto";

export interface PageContextValue {
  theme: Theme;
  path: string;
  requestId?: string;
  principal?: Principal | null;
  /** Sent by htmx on every request and by forms as `_csrf`; absent when signed out. */
  csrfToken?: string;
  /** This process pushes live-page changes (GET /ui/live); without it, live elements poll. */
  liveStream?: boolean;
}

export const PageContext = createContext<PageContextValue>({ theme: "auto", path: "/" });
