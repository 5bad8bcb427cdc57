/**
 * Password hashing with scrypt (N=2^17, r=8, p=1: OWASP's current minimum for
 * scrypt, see docs/security.md). Each hash holds 128 MiB for ~0.5 s, off the
 * event loop; at most MAX_CONCURRENT run at once so a login flood cannot
 * exhaust memory. Strength is judged by zxcvbn-ts, not a list of our own.
 */
import { scrypt } from "node:crypto";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { randomToken, timingSafeEqual } from "./tokens.ts";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** Anything longer is refused before hashing, so a huge body cannot buy CPU. */
export const PASSWORD_INPUT_MAX = 1024;
const N_LOG2 = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_CONCURRENT = 2;

/**
 * The dictionaries are megabytes of JavaScript and ranking them costs ~0.5 s of
 * CPU: loaded when a password is first judged, not by every process (or test
 * module) that imports the app.
 */
let zxcvbn: Promise<ZxcvbnFactory> | undefined;
function strengthMeter(): Promise<ZxcvbnFactory> {
  return zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
}

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: string, nLog2: number, r: number, p: number): Promise<Uint8Array> {
  return limited(() =>
    new Promise((resolve, reject) =>
      scrypt(
        password.normalize("NFKC"),
        salt,
        KEY_LENGTH,
        { N: 2 ** nLog2, r, p, maxmem: 129 * r * 2 ** nLog2 * 2 },
        (error, key) => error ? reject(error) : resolve(new Uint8Array(key)),
      )
    )
  );
}

/** `scrypt$17$8$1$<salt>$<hash>`: parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomToken(16);
  const key = await derive(password, salt, N_LOG2, R, P);
  return `scrypt$${N_LOG2}$${R}$${P}$${salt}$${btoa(String.fromCharCode(...key))}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !hash) return false;
  const key = await derive(password, salt, Number(n), Number(r), Number(p));
  return timingSafeEqual(key, Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
}

/** A hash of a random password, verified against when the user is unknown so timing is the same. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return dummyHash ??= hashPassword(randomToken());
}

/** Returns a message saying what is wrong with a new password, or null when it is acceptable. */
export async function passwordProblem(password: string, userInputs: string[] = []): Promise<string | null> {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const result = await (await strengthMeter()).checkAsync(password, userInputs);
  if (result.score < 3) {
    return result.feedback.warning
      ? `is too easy to guess: ${result.feedback.warning}`
      : "is too easy to guess; use a longer phrase of unrelated words";
  }
  return null;
}
