/** Calling the JSON API in tests, and checking its problem answers. */
import { assertEquals } from "@std/assert";

/** A JSON request; an undefined body sends none. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** Asserts an RFC 9457 problem answer with `status`; returns its body. */
export async function problem(res: Response, status: number) {
  assertEquals(res.status, status);
  assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  return await res.json();
}
