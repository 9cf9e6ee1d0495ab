import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { performance } from 'node:perf_hooks';
import { fingerprint } from './fingerprint.js';
import type { FuzzFixture, FuzzTarget } from './fuzz-fixture.js';
import { describeRequest, requestTo, type FuzzRequest, type FuzzRoute } from './hostile-requests.js';

export interface FuzzOptions {
  /** Requests generated for the dialect (shrinking a failure sends more). */
  readonly runs: number;
  readonly seed: number;
  /** A response slower than this is a failure of the property, reported with its input. */
  readonly timeBoundMs: number;
  /** fast-check's counterexample path, to replay one failure. */
  readonly path?: string;
}

export interface FuzzStats {
  /** Requests sent, shrinking included. */
  requests: number;
  readonly statuses: Record<number, number>;
  /** Distinct routes (method and path pattern) a request was generated for. */
  readonly routes: Set<string>;
  slowestMs: number;
}

/** Bodies that tell an attacker about the inside: engine messages, stack frames, file paths. */
const LEAKS = /SQLITE_|sqlite3?\b|postgres|pg_|syntax error at|node_modules|\/src\/|\.ts:\d+|\bat [\w.<>]+ \(|TypeError|ReferenceError|RangeError/i;

/** Why a body does not parse as the type it declares (JSON, XML), or null when it does. */
function unreadableBody(contentType: string, body: string): string | null {
  if (body === '') return null;
  if (/json/i.test(contentType)) {
    try {
      JSON.parse(body);
      return null;
    } catch (error) {
      return `JSON: ${(error as Error).message}`;
    }
  }
  if (/xml/i.test(contentType)) {
    // XML 1.0 allows neither C0 controls (but tab, newline, return) nor U+FFFE/U+FFFF nor lone surrogates.
    // eslint-disable-next-line no-control-regex -- a body holding control characters is what this detects
    const invalid = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.exec(body);
    if (invalid) return `XML: character U+${invalid[0].codePointAt(0)!.toString(16).padStart(4, '0')} is not allowed in XML 1.0`;
    const valid = XMLValidator.validate(body);
    return valid === true ? null : `XML: ${valid.err.msg}`;
  }
  return null;
}

/** Runs one request and checks the three properties; throws with what went wrong. */
async function check(fixture: FuzzFixture, request: FuzzRequest, options: FuzzOptions, stats: FuzzStats): Promise<void> {
  const before = await fingerprint(fixture.core);
  const started = performance.now();
  const response = await fixture.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  const elapsed = performance.now() - started;
  stats.requests += 1;
  stats.statuses[response.statusCode] = (stats.statuses[response.statusCode] ?? 0) + 1;
  stats.slowestMs = Math.max(stats.slowestMs, elapsed);
  if (response.statusCode >= 500) throw new Error(`answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
  const malformed = request.method === 'HEAD' ? null : unreadableBody(String(response.headers['content-type'] ?? ''), response.body);
  if (malformed)
    throw new Error(`answered ${response.statusCode} with a body that does not parse as its content type (${malformed}): ${response.body.slice(0, 300)}`);
  if (elapsed > options.timeBoundMs) throw new Error(`took ${Math.round(elapsed)} ms (bound ${options.timeBoundMs} ms), answered ${response.statusCode}`);
  if (response.statusCode >= 400) {
    const leak = LEAKS.exec(response.body);
    if (leak) throw new Error(`error body shows internals (${leak[0]}): ${response.body.slice(0, 500)}`);
    if ((await fingerprint(fixture.core)) !== before) throw new Error(`answered ${response.statusCode} but changed the data: ${response.body.slice(0, 300)}`);
  }
}

/**
 * Fuzzes every route of one mounted dialect with hostile requests. Resolves with the counts; on a
 * failure, throws a report naming the (shrunk) request, the seed and the path to replay it.
 */
export async function fuzzDialect(fixture: FuzzFixture, target: FuzzTarget, options: FuzzOptions): Promise<FuzzStats> {
  const stats: FuzzStats = { requests: 0, statuses: {}, routes: new Set(), slowestMs: 0 };
  // A dialect with no route yet still answers under its prefix: its 404s get fuzzed.
  const routes: readonly FuzzRoute[] =
    target.routes.length > 0
      ? target.routes
      : [
          { method: 'GET', url: `${target.prefix}/users`, names: [] },
          { method: 'POST', url: `${target.prefix}/users`, names: [] },
        ];
  const arbitrary = fc.constantFrom(...routes).chain((route) => requestTo(route, target.prefix, fixture.credentials).map((request) => ({ route, request })));
  const property = fc.asyncProperty(arbitrary, async ({ route, request }) => {
    stats.routes.add(`${route.method} ${route.url}`);
    await check(fixture, request, options, stats);
  });
  const result = await fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    endOnFailure: false,
    maxSkipsPerRun: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  if (result.failed) {
    const example = result.counterexample?.[0];
    const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    throw new Error(
      [
        `${target.dialect}: hostile request failed after ${result.numRuns} runs (${result.numShrinks} shrinks)`,
        `  request: ${example ? describeRequest(example.request) : '?'}`,
        `  failure: ${error}`,
        `  replay: FUZZ_SEED=${result.seed} FUZZ_PATH=${result.counterexamplePath ?? ''}`,
      ].join('\n'),
    );
  }
  return stats;
}

/** `{"200":3,"404":5}` as `200×3 404×5`. */
export const statusLine = (stats: FuzzStats): string =>
  Object.entries(stats.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
