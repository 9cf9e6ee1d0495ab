/**
 * The benchmark. Seeds N users (default 1,000,000) with `roster seed`, starts Roster and the
 * limit server (bench/limit-server.ts: the bare node:http ceiling, and per scenario the least
 * work answering the same query from the same database) as separate processes, and drives load
 * from further child processes (bench/load.ts). For every scenario: the maximum rate, then
 * p50/p99 at a fixed rate of half that maximum, the limit's maximum, and both ratios. Then
 * password login, and who-am-I while 16 clients keep logging in. Prints one table and writes it
 * as JSON under bench/results/.
 *
 *   npm run bench                                   # 1,000,000 users on SQLite
 *   BENCH_USERS=20000 BENCH_SECONDS=2 npm run bench # a quick check
 *   npm run bench -- --pg postgres://postgres@127.0.0.1:5432/roster_bench   # or BENCH_DATABASE_URL
 *   npm run bench -- --wrk                          # throughput pass with wrk, when installed
 *   BENCH_ONLY=keyset,:id npm run bench             # only the scenarios whose name contains one of these
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SEED_DEMO_PASSWORD } from '../src/ops/seed.js';
import type { LimitServerConfig } from './limit-server.js';
import { load, waitForPort, wrkAvailable, type LoadOptions, type LoadResult } from './load.js';
import { printTable, writeJson, type Row } from './report.js';
import { sameRows } from './same-rows.js';
import { checkPlans, printPlans } from './plans.js';
import { hostileScenarios } from './scenarios/hostile.js';
import { SCENARIO_SOURCES } from './scenarios/index.js';
import type { BenchContext, LimitStatement, Scenario } from './scenarios/scenario.js';

const ROOT = join(import.meta.dirname, '..');
const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ONLY = (process.env.BENCH_ONLY ?? '').split(',');
const STORM_CLIENTS = 16;
const ROSTER_PORT = Number(process.env.BENCH_PORT ?? 3790);
const LIMIT_PORT = ROSTER_PORT + 1;
const FLOOR_PORT = ROSTER_PORT + 2;

const { values: flags } = parseArgs({ options: { pg: { type: 'string' }, wrk: { type: 'boolean', default: false } }, strict: true });
const preferWrk = flags.wrk || process.env.BENCH_GENERATOR === 'wrk';

function roster(args: readonly string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'roster.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`roster ${args.join(' ')} failed with ${result.status}`);
  return result.stdout.trim();
}

/** `?` placeholders become `$1…` on PostgreSQL (the bench's SQL has no `?` inside literals). */
function engineSql(statement: LimitStatement, engine: 'sqlite' | 'postgres'): { sql: string; params: readonly (string | number)[] } {
  const text = typeof statement.sql === 'string' ? statement.sql : statement.sql[engine];
  let n = 0;
  return { sql: engine === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text, params: statement.params ?? [] };
}

/** VmRSS and VmHWM (peak) of a process, in MB; null where /proc is not there. */
function rss(pid: number | undefined): { now: number | null; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number | null => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) / 1024 : null;
    };
    return { now: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { now: null, peak: null };
  }
}

/**
 * Names of `count` seeded accounts that can sign in (not banned nor deleted), from the highest
 * seeded id down; every seeded account has the password `SEED_DEMO_PASSWORD`. By id, not the
 * newest page: scenario sources add accounts of their own (other passwords) after the seed.
 */
async function loginableNames(baseUrl: string, users: number, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let id = users; id >= 1 && names.length < count; id--) {
    const response = await fetch(`${baseUrl}/v1/users/${id}`);
    if (!response.ok) continue;
    const user = (await response.json()) as { name: string; is_banned: boolean; is_deleted: boolean };
    if (!user.is_banned && !user.is_deleted) names.push(user.name);
  }
  if (names.length < count) throw new Error(`only ${names.length} seeded accounts can sign in; the storm needs ${count}`);
  return names;
}

const target = (port: number, scenario: Scenario): LoadOptions => ({
  url: `http://127.0.0.1:${port}${scenario.path}`,
  connections: CONNECTIONS,
  seconds: SECONDS,
  method: scenario.method ?? 'GET',
  headers: scenario.headers ?? {},
  ...(scenario.body === undefined ? {} : { body: scenario.body }),
});

/** Maximum rate, then latency at half of it. */
async function maxThenHalf(options: LoadOptions): Promise<{ max: LoadResult; fixed: LoadResult }> {
  const max = await load(options, preferWrk);
  const fixed = await load({ ...options, rate: Math.max(1, max.rps / 2) }, false);
  return { max, fixed };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const databaseUrl = flags.pg ?? process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`;
  const engine = databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const env = { ...process.env, ROSTER_DATABASE_URL: databaseUrl, ROSTER_LOG_LEVEL: 'silent', PORT: String(ROSTER_PORT), HOST: '127.0.0.1' };
  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    const seedStarted = performance.now();
    roster(['seed', '--users', String(USERS)], env);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    roster(['users', 'create', '--name', 'bench_admin', '--password', 'bench-password-1', '--level', 'admin'], env);
    const adminKey = roster(['tokens', 'create', '--user', 'bench_admin'], env);

    // As `npm start` runs it (README "Memory": Argon2's blocks are returned to the system).
    const server = spawn(process.execPath, [join(ROOT, 'bin', 'roster.js'), 'serve'], { env: { ...env, MALLOC_MMAP_THRESHOLD_: '4194304' }, stdio: 'inherit' });
    children.push(server);
    await waitForPort(ROSTER_PORT, '/healthz');
    const baseUrl = `http://127.0.0.1:${ROSTER_PORT}`;
    const context: BenchContext = {
      users: USERS,
      someId: Math.max(1, Math.floor(USERS / 2)),
      adminName: 'bench_admin',
      adminKey,
      engine,
      roster: (args) => roster(args, env),
      baseUrl,
    };
    const scenarios: Scenario[] = [];
    const planned: Scenario[] = [];
    for (const source of SCENARIO_SOURCES) {
      const built = (await source(context)).filter((scenario) => ONLY.some((part) => scenario.name.includes(part)));
      scenarios.push(...built);
      // Hostile searches are bounded by the row budget and statement timeout, not by their plans.
      if (source !== hostileScenarios) planned.push(...built);
    }
    const plans = await checkPlans(databaseUrl, planned);

    const withLimit = scenarios.filter((s) => s.limit !== undefined);
    const limitConfig: LimitServerConfig = {
      databaseUrl,
      port: LIMIT_PORT,
      floorPort: FLOOR_PORT,
      limits: withLimit.map((s) => s.limit!.statements.map((st) => engineSql(st, engine))),
    };
    children.push(
      spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'limit-server.ts')], {
        env: { ...process.env, BENCH_LIMIT_CONFIG: JSON.stringify(limitConfig) },
        stdio: 'inherit',
      }),
    );
    await waitForPort(LIMIT_PORT, '/');
    await waitForPort(FLOOR_PORT, '/');
    const limitUrl = (scenario: Scenario): string => `http://127.0.0.1:${LIMIT_PORT}/limit/${withLimit.indexOf(scenario)}`;

    const ceilingTarget: Scenario = { name: 'ceiling: bare node:http, fixed body', path: '/' };
    const floorTarget: Scenario = { name: 'floor: Fastify, fixed body', path: '/' };
    // Warm-up: JIT and caches settle before anything is measured.
    await load({ ...target(LIMIT_PORT, ceilingTarget), seconds: 1 }, preferWrk);
    await load({ ...target(FLOOR_PORT, floorTarget), seconds: 1 }, preferWrk);
    if (scenarios[0]) await load({ ...target(ROSTER_PORT, scenarios[0]), seconds: 1 }, preferWrk);
    const ceiling = await maxThenHalf(target(LIMIT_PORT, ceilingTarget));
    const floor = await maxThenHalf(target(FLOOR_PORT, floorTarget));
    const rows: Row[] = [
      { name: ceilingTarget.name, ...ceiling },
      { name: floorTarget.name, ...floor },
    ];
    for (const scenario of scenarios) {
      const measured = await maxThenHalf(target(ROSTER_PORT, scenario));
      if (!scenario.limit) {
        rows.push({ name: scenario.name, ...measured });
        continue;
      }
      const same = await sameRows(baseUrl, limitUrl(scenario), scenario);
      const result = await load({ ...target(LIMIT_PORT, scenario), url: limitUrl(scenario) }, preferWrk);
      rows.push({ name: scenario.name, ...measured, limit: { family: scenario.limit.family, result, sameRows: same } });
    }

    // Password login: each client signs in as its own seeded account, as a crowd of users would.
    // One account for all clients (the earlier bench) charged one account+address throttle
    // counter: past 10 attempts in flight the throttle refused them, and the storm measured
    // refusals' writes instead of Argon2id. Roster verifies Argon2id off the main thread.
    const login: Scenario = {
      name: `native POST /v1/sessions (password, ${STORM_CLIENTS} accounts)`,
      path: '/v1/sessions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    };
    const bodies = (await loginableNames(baseUrl, USERS, STORM_CLIENTS)).map((name) => JSON.stringify({ login: name, password: SEED_DEMO_PASSWORD }));
    // Each login is tens of ms of Argon2id: 16 clients and at least 5 s, or short runs end
    // with every answer still in flight.
    const loginTarget = { ...target(ROSTER_PORT, login), bodies, connections: STORM_CLIENTS, seconds: Math.max(SECONDS, 5) };
    const loginFigures = await maxThenHalf(loginTarget);
    rows.push({ name: login.name, ...loginFigures });

    // Who-am-I at half its own maximum while 16 clients keep logging in.
    const whoAmI: Scenario = {
      name: `native GET /v1/me during ${STORM_CLIENTS}-client login storm`,
      path: '/v1/me',
      headers: { authorization: `Bearer ${adminKey}` },
    };
    const quiet = await load(target(ROSTER_PORT, whoAmI), preferWrk);
    const storm = load({ ...loginTarget, seconds: loginTarget.seconds + 1 }, false);
    const during = await load({ ...target(ROSTER_PORT, whoAmI), seconds: loginTarget.seconds, rate: Math.max(1, quiet.rps / 2) }, false);
    const stormFigures = await storm;
    rows.push({
      name: whoAmI.name,
      max: quiet,
      fixed: during,
      note: `req/s measured without the storm; p50/p99 at half of it during the storm (${stormFigures.rps.toFixed(0)} logins/s, ${stormFigures.non2xx} non-2xx)`,
    });

    const memory = rss(server.pid);
    const info = {
      engine,
      users: USERS,
      seedSeconds,
      connections: CONNECTIONS,
      seconds: SECONDS,
      generator: `${preferWrk && wrkAvailable() ? 'wrk' : 'autocannon'} (max) + paced (fixed rate), child processes`,
      node: process.version,
      rssMb: memory.now,
      peakRssMb: memory.peak,
      ceiling: ceiling.max,
      floor: floor.max,
      loginsPerSecondDuringStorm: stormFigures.rps,
    } as const;
    printTable(rows, info);
    printPlans(plans, USERS);
    console.log(`\nJSON: ${writeJson(join(import.meta.dirname, 'results'), rows, info, plans)}`);
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
