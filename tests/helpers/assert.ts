/**
 * The subset of `@std/assert` our tests use, on `node:assert/strict`.
 * JSR is unreachable from our machines; the import map points `@std/assert`
 * here, so switching to the real package is a one-line change.
 */
import assert from "node:assert/strict";

export class AssertionError extends Error {}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.deepStrictEqual(actual, expected, msg);
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.notDeepStrictEqual(actual, expected, msg);
}

export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  assert.strictEqual(actual, expected, msg);
}

export function assert_(expr: unknown, msg = "expected a truthy value"): asserts expr {
  assert.ok(expr, msg);
}
export { assert_ as assert };

export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  assert.ok(actual !== null && actual !== undefined, msg ?? `expected a value, got ${actual}`);
}

export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  assert.match(actual, expected, msg);
}

export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  assert.ok(
    actual.includes(expected),
    msg ?? `expected ${JSON.stringify(actual.slice(0, 500))} to include ${JSON.stringify(expected)}`,
  );
}

export function assertArrayIncludes<T>(actual: readonly T[], expected: readonly T[], msg?: string): void {
  for (const item of expected) {
    assert.ok(actual.some((a) => isDeepEqual(a, item)), msg ?? `expected array to include ${JSON.stringify(item)}`);
  }
}

export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual > expected, msg ?? `expected ${actual} > ${expected}`);
}

export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual < expected, msg ?? `expected ${actual} < ${expected}`);
}

export function assertFalse(expr: unknown, msg = "expected a falsy value"): void {
  assert.ok(!expr, msg);
}

export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  assert.ok(actual instanceof expected, msg ?? `expected instance of ${expected.name}`);
}

export function fail(msg = "failed"): never {
  throw new AssertionError(msg);
}

export async function assertRejects(
  fn: () => PromiseLike<unknown>,
  // deno-lint-ignore no-explicit-any
  errorClass?: new (...args: any[]) => Error,
  msgIncludes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof Error)) throw new AssertionError("a non-Error was thrown");
    if (errorClass && !(error instanceof errorClass)) {
      throw new AssertionError(
        `expected ${errorClass.name}, got ${(error as Error).name}: ${(error as Error).message}`,
      );
    }
    if (msgIncludes && !error.message.includes(msgIncludes)) {
      throw new AssertionError(
        `expected message to include ${JSON.stringify(msgIncludes)}, got ${JSON.stringify(error.message)}`,
      );
    }
    return error;
  }
  throw new AssertionError("expected the function to reject");
}

export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  errorClass?: new (...args: any[]) => Error,
  msgIncludes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Error)) throw new AssertionError("a non-Error was thrown");
    if (errorClass && !(error instanceof errorClass)) {
      throw new AssertionError(
        `expected ${errorClass.name}, got ${(error as Error).name}: ${(error as Error).message}`,
      );
    }
    if (msgIncludes && !error.message.includes(msgIncludes)) {
      throw new AssertionError(
        `expected message to include ${JSON.stringify(msgIncludes)}, got ${JSON.stringify(error.message)}`,
      );
    }
    return error;
  }
  throw new AssertionError("expected the function to throw");
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
