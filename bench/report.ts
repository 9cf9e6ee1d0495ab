/** The bench's table and JSON file: one row per measured target, the same on both engines. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './load.js';
import type { ScenarioPlan } from './plans.js';

export interface Row {
  readonly name: string;
  /** Throughput pass: as fast as the server answers. */
  readonly max: LoadResult;
  /** Latency pass at a fixed rate (half of `max.rps`, or as stated in `note`). */
  readonly fixed?: LoadResult;
  readonly limit?: { readonly family: string; readonly result: LoadResult; readonly sameRows: string };
  readonly note?: string;
}

export interface RunInfo {
  readonly engine: 'sqlite' | 'postgres';
  readonly users: number;
  readonly seedSeconds: number;
  readonly connections: number;
  readonly seconds: number;
  readonly generator: string;
  readonly node: string;
  readonly rssMb: number | null;
  readonly peakRssMb: number | null;
  readonly ceiling: LoadResult;
  /** Fastify alone answering the ceiling's body. */
  readonly floor: LoadResult;
  readonly loginsPerSecondDuringStorm: number | null;
}

const fixed0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '—');
const fixed1 = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(1));
const ratio = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : '—');

export function printTable(rows: readonly Row[], info: RunInfo): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'limit', 'limit req/s', 'of limit', 'same rows', 'of ceiling', 'of floor', 'non-2xx', 'errors'];
  const lines = rows.map((row) => [
    row.name,
    fixed0(row.max.rps),
    fixed1(row.fixed?.p50),
    fixed1(row.fixed?.p99),
    row.limit?.family ?? '—',
    row.limit ? fixed0(row.limit.result.rps) : '—',
    row.limit ? ratio(row.max.rps / row.limit.result.rps) : '—',
    row.limit?.sameRows ?? '—',
    ratio(row.max.rps / info.ceiling.rps),
    ratio(row.max.rps / info.floor.rps),
    String(row.max.non2xx + (row.fixed?.non2xx ?? 0)),
    String(row.max.errors + (row.fixed?.errors ?? 0)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\n${info.engine}, ${info.users} users (seeded in ${info.seedSeconds.toFixed(1)} s), ${info.connections} connections, ${info.seconds} s per pass, ${info.generator}, node ${info.node}`,
  );
  console.log("p50/p99: at a fixed rate of half the row's req/s. ceiling: bare node:http, fixed body; floor: the same from Fastify.\n");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  for (const row of rows) if (row.note) console.log(`  ${row.name}: ${row.note}`);
  const mb = (n: number | null): string => (n === null ? 'unknown' : `${n.toFixed(0)} MB`);
  console.log(`\nRoster server RSS after the run: ${mb(info.rssMb)} (peak ${mb(info.peakRssMb)}); seed ${info.seedSeconds.toFixed(1)} s`);
}

export function writeJson(dir: string, rows: readonly Row[], info: RunInfo, plans: readonly ScenarioPlan[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `bench-${info.engine}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify({ ...info, at: new Date().toISOString(), rows, plans }, null, 2)}\n`);
  return path;
}
