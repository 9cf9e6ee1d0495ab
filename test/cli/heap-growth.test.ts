import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MODULE = join(import.meta.dirname, '..', '..', 'src', 'cli', 'heap-growth.ts');

/**
 * A fixed amount of work: ~40 MB kept live, then objects that live long enough to be promoted
 * and die in the old generation. Prints the largest heap V8 committed meanwhile, in MB.
 */
const churn = (bound: boolean): string => `
  import { getHeapStatistics } from 'node:v8';
  ${bound ? `(await import(${JSON.stringify(MODULE)})).boundHeapGrowth();` : ''}
  const live = [];
  for (let i = 0; i < 300_000; i++) live.push({ a: 'x' + i, b: [i, i + 1] });
  const ring = new Array(20_000);
  let peak = 0;
  for (let n = 0; n < 3_000_000; n++) {
    ring[n % 20_000] = { s: 'y'.repeat(50) + n, list: new Array(20).fill(n) };
    if (n % 1000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
  }
  console.log(Math.round(peak / 2 ** 20), live.length);
`;

async function peakHeapMb(bound: boolean): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', churn(bound)]);
  return Number(stdout.split(' ')[0]);
}

test('roster serve bounds how far the heap grows past what is live', async () => {
  const [unbounded, bounded] = await Promise.all([peakHeapMb(false), peakHeapMb(true)]);
  // Measured: ~260 MB unbounded, ~90-120 MB bounded, with ~40 MB live.
  assert.ok(bounded < unbounded * 0.7, `bounded peak ${bounded} MB, unbounded ${unbounded} MB`);
});
