/**
 * The query plans of every scenario on the bench's own database (1,000,000 users by default),
 * where test/query/plans.test.ts checks them at 100,000: each read statement a scenario's request
 * runs, explained with its bound values, and whether it reads a large table whole or sorts a
 * page that should come in index order. Answered in this process (app.inject) before the load.
 */
import type { Scenario } from './scenarios/scenario.js';
import { explain, fullScans, isRead, LARGE_TABLES, sorts } from './plan-check.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openCore } from '../src/core/create-core.js';
import type { RanStatement } from '../src/db/database.js';

export interface ScenarioPlan {
  readonly name: string;
  readonly status: number;
  /** Read statements the request ran (0: answered from a cache). */
  readonly reads: number;
  /** Plan lines reading a large table whole, or sorting an index-order page. */
  readonly problems: readonly string[];
}

export async function checkPlans(databaseUrl: string, scenarios: readonly Scenario[]): Promise<ScenarioPlan[]> {
  const core = await openCore(loadConfig({ ...process.env, ROSTER_DATABASE_URL: databaseUrl, ROSTER_LOG_LEVEL: 'silent' }));
  const engine = core.caps.engine;
  const ran: RanStatement[] = [];
  core.databaseObserver.onStatement((_, statement) => ran.push(statement));
  const app = buildApp(core);
  try {
    const results: ScenarioPlan[] = [];
    for (const scenario of scenarios) {
      const request = { method: scenario.method ?? 'GET', url: scenario.path, headers: scenario.headers ?? {}, payload: scenario.body } as const;
      // The first request warms the credential cache, as the load's first seconds do.
      await app.inject(request);
      ran.length = 0;
      const response = await app.inject(request);
      const reads = ran.filter(isRead);
      const problems: string[] = [];
      for (const statement of reads) {
        const plan = await explain(core.db, engine, statement);
        problems.push(...fullScans(engine, plan, LARGE_TABLES), ...(scenario.indexOrder ? sorts(engine, plan) : []));
      }
      results.push({ name: scenario.name, status: response.statusCode, reads: reads.length, problems: problems.map((line) => line.trim()) });
    }
    return results;
  } finally {
    await app.close();
    await core.close();
  }
}

export function printPlans(plans: readonly ScenarioPlan[], users: number): void {
  console.log(`\nquery plans at ${users} users (reads per request; any full scan of a large table, or sort of an index-order page):`);
  const width = Math.max(...plans.map((plan) => plan.name.length));
  for (const plan of plans) {
    const verdict = plan.problems.length === 0 ? 'indexes only' : plan.problems.join(' | ');
    console.log(`  ${plan.name.padEnd(width)}  HTTP ${plan.status}  ${String(plan.reads).padStart(2)} reads  ${verdict}`);
  }
}
