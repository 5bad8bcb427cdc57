import type { ComponentChildren } from "preact";

/** A message above a form or list: `ok` says something was done, `error` that it was refused (read out at once). */
export function Notice({ kind, children }: { kind: "ok" | "error"; children: ComponentChildren }) {
  return <p class={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</p>;
}
