/**
 * Child process of bench/load.ts: requests sent at evenly spaced instants, whatever the answers
 * (an open loop), for latency below saturation. autocannon's own fixed rate is a budget per
 * connection per second: each connection sends back to back until its budget is spent, so half
 * of each second runs saturated and its percentiles are queueing. Here a request waits only for
 * a free connection (the pool's queue counts in its latency) and for the server. undici, as
 * node:http's client costs several times the CPU per request.
 */
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import type { LoadOptions, LoadResult } from './load.js';

/** Requests still unanswered this long after the last one was due are counted as errors. */
const DRAIN_MS = 10_000;

const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
if (options.rate === undefined || !(options.rate > 0)) throw new Error('a paced load needs a rate');
const rate = options.rate;
const due = Math.max(1, Math.round(rate * options.seconds));
const url = new URL(options.url);
const pool = new Pool(url.origin, { connections: options.connections });
const path = `${url.pathname}${url.search}`;
const method = (options.method ?? 'GET') as Dispatcher.HttpMethod;
const latencies: number[] = [];
let sent = 0;
let answered = 0;
let failed = 0;
let non2xx = 0;

async function send(): Promise<void> {
  const started = performance.now();
  try {
    const response = await pool.request({ path, method, headers: options.headers, body: options.body });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
    latencies.push(performance.now() - started);
    answered++;
  } catch {
    failed++;
  }
}

const start = performance.now();
await new Promise<void>((resolve) => {
  // Timers fire about every millisecond: each tick sends every request due by now.
  const tick = (): void => {
    const shouldHaveSent = Math.min(due, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < shouldHaveSent; sent++) void send();
    if (sent < due) setTimeout(tick, 1);
    else resolve();
  };
  tick();
});
const lastDue = performance.now();
while (answered + failed < sent && performance.now() - lastDue < DRAIN_MS) await new Promise((resolve) => setTimeout(resolve, 5));
const elapsed = (performance.now() - start) / 1000;
await pool.destroy();

latencies.sort((a, b) => a - b);
const percentile = (p: number): number =>
  latencies.length === 0 ? Number.NaN : latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
const figures: LoadResult = {
  rps: answered / elapsed,
  p50: percentile(50),
  p99: percentile(99),
  errors: failed + (sent - answered - failed),
  non2xx,
  generator: 'paced',
};
process.stdout.write(JSON.stringify(figures));
