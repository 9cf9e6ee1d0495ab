/**
 * Load generation in a child process, so the generator never shares the core of the process
 * that orchestrates (and reads the servers' answers). Throughput: autocannon by default, wrk
 * when asked (`BENCH_GENERATOR=wrk`) and installed. A fixed rate: bench/paced-worker.ts, which
 * sends at evenly spaced instants (neither wrk nor autocannon can: autocannon's rate is a
 * per-second budget spent back to back).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * Bodies spread over the connections instead of one `body` for all: connection i always sends
   * `bodies[i % n]` (autocannon, paced); wrk (one Lua state, no per-connection hook) takes them
   * in turn.
   * The login storm gives each client its own account so that no two share a throttle counter.
   */
  readonly bodies?: readonly string[];
  /** Requests per second across all connections; absent: as fast as the server answers. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly generator: 'autocannon' | 'wrk' | 'paced';
}

function collect(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

function workerLoad(worker: string, options: LoadOptions): Promise<LoadResult> {
  return collect(process.execPath, ['--import', 'tsx', join(import.meta.dirname, worker), JSON.stringify(options)]).then(
    (out) => JSON.parse(out) as LoadResult,
  );
}

export const autocannonLoad = (options: LoadOptions): Promise<LoadResult> => workerLoad('load-worker.ts', options);

let wrkPath: string | null | undefined;
export function wrkAvailable(): boolean {
  if (wrkPath === undefined) {
    const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
    wrkPath = found.status === 0 ? found.stdout.trim() : null;
  }
  return wrkPath !== null;
}

const lua = (text: string): string => JSON.stringify(text);

/** wrk's `--latency` table reads `50%  1.23ms`; units us, ms, s. */
function wrkMs(output: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

export async function wrkLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    const lines = [`wrk.method = ${lua(options.method ?? 'GET')}`];
    for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`wrk.headers[${lua(name)}] = ${lua(value)}`);
    if (options.body !== undefined) lines.push(`wrk.body = ${lua(options.body)}`);
    if (options.bodies?.length) {
      lines.push(`local bodies = {${options.bodies.map(lua).join(', ')}}`, 'local turn = 0');
      lines.push('request = function() turn = turn % #bodies + 1; return wrk.format(nil, nil, nil, bodies[turn]) end');
    }
    writeFileSync(script, `${lines.join('\n')}\n`);
    const out = await collect(wrkPath!, ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script, options.url]);
    const number = (pattern: RegExp): number => Number(pattern.exec(out)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
      rps: number(/Requests\/sec:\s+([\d.]+)/),
      p50: wrkMs(out, '50'),
      p99: wrkMs(out, '99'),
      errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
      non2xx: number(/Non-2xx or 3xx responses:\s+(\d+)/),
      generator: 'wrk',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fixed rate: paced; throughput: wrk when chosen and present, else autocannon. */
export function load(options: LoadOptions, preferWrk: boolean): Promise<LoadResult> {
  if (options.rate !== undefined) return workerLoad('paced-worker.ts', options);
  return preferWrk && wrkAvailable() ? wrkLoad(options) : autocannonLoad(options);
}

/** Waits until something answers `path` on `port` (a server just started), up to 30 s. */
export async function waitForPort(port: number, path: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}${path}`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}
