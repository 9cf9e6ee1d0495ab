import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../src/app.js';
import { TEST_ENGINE } from '../support/database.js';
import { fuzzFixture, ROOT_TARGET, type FuzzFixture } from './fuzz-fixture.js';
import { fuzzDialect, statusLine, type FuzzOptions } from './run-fuzz.js';

/**
 * The hostile-input suite. Inside `npm test` a short slice with a fixed seed (the same requests
 * every run); `npm run fuzz` sends many more with a fresh seed, printed for replay:
 * `FUZZ_SEED=… FUZZ_PATH=… npm run fuzz`. Each request must get an answer below 500, within the
 * time bound, without internals in an error body, and without changing the data when it is an error.
 */
const seedText = process.env.FUZZ_SEED ?? '20261130';
const options: FuzzOptions = {
  runs: Number(process.env.FUZZ_RUNS ?? 60),
  seed: seedText === 'random' ? Date.now() % 2 ** 31 : Number(seedText),
  timeBoundMs: Number(process.env.FUZZ_TIME_BOUND_MS ?? 2_000),
  ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
};
const only = process.env.FUZZ_DIALECT;

describe(`hostile requests to every route of every dialect (${TEST_ENGINE}, seed ${options.seed}, ${options.runs} per dialect)`, () => {
  for (const name of [...DIALECTS.map((dialect) => dialect.name), ROOT_TARGET].filter((n) => only === undefined || n === only)) {
    describe(name, () => {
      let fixture: FuzzFixture;
      before(async () => {
        fixture = await fuzzFixture();
      });
      after(async () => fixture.close());

      it(`no 5xx, nothing over ${options.timeBoundMs} ms, no internals shown, no data changed by an error`, async (t) => {
        const target = fixture.targets.find((candidate) => candidate.dialect === name)!;
        const stats = await fuzzDialect(fixture, target, options);
        t.diagnostic(
          `${name}: ${stats.requests} requests over ${stats.routes.size} of ${target.routes.length} routes; ${statusLine(stats)}; slowest ${Math.round(stats.slowestMs)} ms`,
        );
      });
    });
  }
});
