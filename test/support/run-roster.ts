import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** The CLI from source: the same `main` that bin/roster.js runs from the build. */
const ENTRY = join(ROOT, 'src', 'cli', 'entry.ts');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** `ROSTER_DATABASE_URL` for the child. */
  readonly url: string;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `roster <args>` as its own process. */
export function spawnRoster(args: readonly string[], options: RunOptions): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: ROOT,
    env: { ...process.env, ROSTER_DATABASE_URL: options.url, ROSTER_LOG_LEVEL: 'silent', ...options.env },
  });
  child.stdin.end(options.input ?? '');
  return child;
}

/** Runs `roster <args>` to completion, collecting its output. */
export function runRoster(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const child = spawnRoster(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses stdout holding exactly one line of JSON. */
export function jsonLine(result: RunResult): Record<string, unknown> {
  const lines = result.stdout.split('\n').filter(Boolean);
  if (lines.length !== 1) throw new Error(`expected one line on stdout, got ${JSON.stringify(result)}`);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

/** A failed command: non-zero exit, nothing on stdout, the reason on stderr. */
export function assertFailure(result: RunResult, reason: RegExp): void {
  assert.notEqual(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, reason);
}
