/**
 * Where to continue after signing in (`?next=`): only a path on this site.
 * Prefix checks are not enough: the URL parser drops tabs and newlines and
 * reads `\` as `/`, so `/\t/evil.test` becomes `//evil.test` in the browser.
 * The path is resolved with that same parser against a stand-in origin and
 * kept only when it stays there; control characters are refused outright
 * (a CR/LF would otherwise reach the Location header).
 */
const ORIGIN = "http://opsdeck.invalid";

/** A same-site path (normalised, with its query and fragment), or `/`. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/") || /\p{Cc}/u.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return "/";
  }
  return url.origin === ORIGIN ? `${url.pathname}${url.search}${url.hash}` : "/";
}
