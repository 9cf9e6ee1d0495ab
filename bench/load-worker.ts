/** Child process of bench/load.ts: runs one autocannon load (as fast as answered) and prints its figures as JSON. */
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult } from './load.js';

const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;

/** Connection i sends `bodies[i % n]` for the whole run. */
function bodyPerClient(bodies: readonly string[]): (client: autocannon.Client) => void {
  let clients = 0;
  return (client) => client.setBody(bodies[clients++ % bodies.length]);
}
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  method: (options.method ?? 'GET') as autocannon.Request['method'],
  headers: { ...options.headers },
  ...(options.body === undefined ? {} : { body: options.body }),
  ...(options.bodies?.length ? { setupClient: bodyPerClient(options.bodies) } : {}),
});
const figures: LoadResult = {
  // Completed responses over the run's length: per-second averages read 0 for slow answers.
  rps: result.duration > 0 ? result.requests.total / result.duration : 0,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  generator: 'autocannon',
};
process.stdout.write(JSON.stringify(figures));
