/** What every page needs from the request, set once by `routes/render.ts`. */
import { createContext } from "preact";

export type Theme = "light" | "dark" | "auto";

export interface PageContextValue {
  theme: Theme;
  path: string;
  requestId?: string;
}

export const PageContext = createContext<PageContextValue>({ theme: "auto", path: "/" });
