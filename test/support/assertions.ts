import assert from 'node:assert/strict';
import { isCoreError, type CoreError, type CoreErrorCode } from '../../src/core/errors.js';

/** Awaits a core call that must fail with `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: CoreErrorCode): Promise<CoreError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isCoreError(error), `expected CoreError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  return assert.fail(`expected CoreError ${code}, but it succeeded`);
}

/** Awaits a core call that must fail with `code`; returns the field messages it carried. */
export async function rejects(promise: Promise<unknown>, code: CoreErrorCode): Promise<Record<string, readonly string[]>> {
  return { ...(await rejectsWith(promise, code)).details.fields };
}
