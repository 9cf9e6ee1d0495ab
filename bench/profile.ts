/**
 * Where one scenario's time goes: serves an existing database with `roster serve --cpu-prof`
 * (logging off), drives one path with wrk (or autocannon) at full speed, stops the server and
 * sums the samples of the measured seconds (the profile's last ones; start-up and warm-up left
 * out) by kind of work: SQL (the engine, its driver and Roster's statement cache), the query
 * builder, Roster's own code, the framework, Node's HTTP, socket writes, GC, idle.
 *
 *   node --import tsx bench/profile.ts --database sqlite:/tmp/bench.db --path /v1/users/500000 \
 *     [--header 'authorization: Bearer …'] [--seconds 10] [--top 20]
 *
 * Seed the database first (`roster seed --users 1000000`). `roster serve` migrates it at start,
 * and the profiled path may write (a login writes its session): profile a copy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, waitForPort } from './load.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    path: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '20' },
    port: { type: 'string', default: '3799' },
  },
});
if (!values.database || !values.path) throw new Error('usage: bench/profile.ts --database URL --path /path [--header "name: value"] [--seconds N]');

/** Kinds of work, first match wins, by the sampled function's name and file. */
const KINDS: readonly [kind: string, test: (name: string, url: string) => boolean][] = [
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['idle', (name) => name === '(idle)'],
  ['socket writes and reads (kernel)', (name, url) => url === '' && /^(writev|writeBuffer|writeUtf8String|writeLatin1String|read|close)$/.test(name)],
  [
    'SQL: engine, driver, statement cache',
    (name, url) => /dist\/db\/|better-sqlite3|node_modules\/pg/.test(url) || (url === '' && /^(all|get|run|iterate|prepare)$/.test(name)),
  ],
  ['query builder (Kysely)', (_, url) => url.includes('node_modules/kysely')],
  [
    'framework (Fastify, routing, schemas, serialization)',
    (_, url) =>
      /node_modules\/(fastify|@fastify|find-my-way|avvio|fast-json-stringify|light-my-request|typebox|@sinclair|ajv|fast-uri|pino|prom-client)/.test(url),
  ],
  ['Roster (dist/)', (_, url) => url.includes('/dist/')],
  ['Node HTTP, streams, events', (_, url) => url.startsWith('node:')],
];

/** Sums the self time of the samples in the profile's last `seconds`. */
function summarize(profile: CpuProfile, seconds: number, top: number): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  let total = 0;
  for (let i = profile.samples.length - 1; i >= 0 && total < seconds * 1e6; i--) {
    const id = profile.samples[i]!;
    const dt = profile.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
    total += dt;
  }
  const byKind = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const kind = KINDS.find(([, test]) => test(name, url))?.[0] ?? 'other (native, startup)';
    byKind.set(kind, (byKind.get(kind) ?? 0) + time);
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const key = `${name} ${where}${where ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  }
  const percent = (time: number): string => `${((time / total) * 100).toFixed(1).padStart(5)}%`;
  console.log('\nself time by kind of work:');
  for (const [kind, time] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${percent(time)}  ${kind}`);
  console.log(`\nfunctions with the most self time:`);
  for (const [key, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${percent(time)}  ${key}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-profile-'));
  const port = Number(values.port);
  const env = { ...process.env, ROSTER_DATABASE_URL: values.database, ROSTER_LOG_LEVEL: 'silent', PORT: String(port), HOST: '127.0.0.1' };
  const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(import.meta.dirname, '..', 'bin', 'roster.js'), 'serve'], {
    env,
    stdio: 'inherit',
  });
  try {
    const url = `http://127.0.0.1:${port}${values.path}`;
    await waitForPort(port, '/healthz');
    const headers = Object.fromEntries(values.header.map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]));
    await load({ url, connections: 32, seconds: 2, headers }, true);
    const result = await load({ url, connections: 32, seconds: Number(values.seconds), headers }, true);
    console.log(`${values.path}: ${result.rps.toFixed(0)} req/s (${result.generator}, 32 connections)`);
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT');
    await exited;
  }
  const [file] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no profile');
  summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, Number(values.seconds), Number(values.top));
  rmSync(dir, { recursive: true, force: true });
}

await main();
