import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Core } from '../../src/core/context.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { getImport, startImport } from '../../src/ops/import-jobs.js';
import { nativeFixture, type NativeFixture } from '../dialects/native/fixture.js';

describe('import jobs', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  test('an internal failure is reported to the caller for the log, and shown only as internal', async () => {
    const broken = new Error('database went away: secret detail');
    const db = new Proxy(f.core.db, {
      get: (target, property, receiver) =>
        ['transaction', 'selectFrom', 'insertInto', 'updateTable', 'executeQuery'].includes(String(property))
          ? () => {
              throw broken;
            }
          : Reflect.get(target, property, receiver),
    });
    const core: Core = { ...f.core, db };
    const heard: unknown[] = [];
    const job = startImport(core, SYSTEM, `${JSON.stringify({ name: 'job_user' })}\n`, { onInternalError: (error) => heard.push(error) });
    let state = getImport(core, SYSTEM, job.id);
    for (let i = 0; state.status === 'running' && i < 200; i++) {
      await sleep(10);
      state = getImport(core, SYSTEM, job.id);
    }
    assert.equal(state.status, 'failed');
    assert.ok(heard.includes(broken), String(heard));
    // Only the job's own words reach the response, whichever step failed.
    for (const { message } of state.errors) {
      assert.ok(['could not be written (an internal error)', 'The import stopped on an internal error'].includes(message), message);
    }
  });
});
