/**
 * The benchmark: seeds N users (default 1,000,000) with `roster seed`, starts Roster and a bare
 * Node `http` server returning a fixed user (the ceiling) as separate processes, then drives
 * load at each scenario from this process with autocannon, and prints req/s, p50, p99 and the
 * ratio to the ceiling measured in the same run.
 *
 *   npm run bench                         # 1,000,000 users on SQLite
 *   BENCH_USERS=100000 npm run bench      # fewer users
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/roster_bench npm run bench
 *   BENCH_SECONDS=10 npm run bench        # longer runs per scenario
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SCENARIO_SOURCES } from './scenarios/index.js';
import type { BenchContext, Scenario } from './scenarios/scenario.js';

const ROOT = join(import.meta.dirname, '..');
const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROSTER_PORT = 3790;
const CEILING_PORT = 3791;

interface Figures {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

const CEILING_SOURCE = `
const body = JSON.stringify({ id: 12345, name: 'bench_user', level: 20, level_string: 'Member', created_at: '2024-05-01T12:00:00.123-04:00', post_upload_count: 0 });
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(${CEILING_PORT}, '127.0.0.1');
`;

function roster(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'roster.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`roster ${args.join(' ')} failed with ${result.status}`);
  return result.stdout.trim();
}

async function waitForPort(port: number, path = '/'): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}${path}`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

async function measure(port: number, scenario: Scenario): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: scenario.method ?? 'GET',
    headers: scenario.headers ?? {},
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  });
  return {
    name: scenario.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function printTable(rows: readonly Figures[], ceiling: Figures): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'non-2xx', 'errors'];
  const lines = rows.map((r) => [
    r.name,
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    (r.rps / ceiling.rps).toFixed(3),
    String(r.non2xx),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`;
  const env = { ...process.env, ROSTER_DATABASE_URL: databaseUrl, ROSTER_LOG_LEVEL: 'silent', PORT: String(ROSTER_PORT) };
  const children: ChildProcess[] = [];
  try {
    const seedStarted = performance.now();
    roster(['seed', '--users', String(USERS)], env);
    console.log(`seeded ${USERS} users in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${databaseUrl.split(':')[0]})`);
    roster(['users', 'create', '--name', 'bench_admin', '--password', 'bench-password-1', '--level', 'admin'], env);
    const key = roster(['tokens', 'create', '--user', 'bench_admin'], env);

    children.push(spawn(process.execPath, ['-e', CEILING_SOURCE], { stdio: 'inherit' }));
    children.push(spawn(process.execPath, [join(ROOT, 'bin', 'roster.js'), 'serve'], { env, stdio: 'inherit' }));
    await Promise.all([waitForPort(CEILING_PORT), waitForPort(ROSTER_PORT, '/v1/users/1')]);

    const context: BenchContext = {
      users: USERS,
      someId: Math.max(1, Math.floor(USERS / 2)),
      adminName: 'bench_admin',
      adminKey: key,
      roster: (args) => roster([...args], env),
      baseUrl: `http://127.0.0.1:${ROSTER_PORT}`,
    };
    const scenarios: Scenario[] = [];
    for (const source of SCENARIO_SOURCES) scenarios.push(...(await source(context)));

    // Warm both servers so JIT and caches settle before measuring.
    await measure(CEILING_PORT, { name: 'warm-up', path: '/' });
    const ceiling = await measure(CEILING_PORT, { name: 'ceiling: bare node http, fixed user', path: '/' });
    const rows = [ceiling];
    for (const scenario of scenarios) rows.push(await measure(ROSTER_PORT, scenario));
    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per scenario, node ${process.version}\n`);
    printTable(rows, ceiling);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    if (!process.env.BENCH_DATABASE_URL) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
