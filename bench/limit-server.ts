/**
 * The limit server: a bare `node:http` process (no framework, no query builder) that answers
 * `/` with a fixed user (the ceiling of any HTTP answer on this machine) and `/limit/<n>` by
 * running scenario n's prepared statements on the bench database and sending
 * `JSON.stringify` of the rows. Started by bench/run.ts with its configuration in
 * `BENCH_LIMIT_CONFIG`; the least work that answers each scenario's query in one Node process.
 * On `floorPort`, Fastify (logging off, no hooks) answers `/` with the same fixed user: the
 * framework's own cost per request, which Roster's is measured against.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

export interface LimitServerConfig {
  readonly databaseUrl: string;
  readonly port: number;
  readonly floorPort: number;
  /** Per limit: its statements, SQL already in the engine's placeholder style. */
  readonly limits: readonly (readonly { readonly sql: string; readonly params: readonly (string | number)[] }[])[];
}

type Run = () => Promise<unknown[]> | unknown[];

const CEILING_BODY = JSON.stringify({
  id: 12345,
  name: 'bench_user',
  level: 20,
  level_string: 'Member',
  created_at: '2024-05-01T12:00:00.123-04:00',
  post_upload_count: 0,
});

function sqliteRunners(config: LimitServerConfig): Run[][] {
  const db = new Database(config.databaseUrl.slice('sqlite:'.length), { fileMustExist: true });
  return config.limits.map((statements) =>
    statements.map(({ sql, params }) => {
      const prepared = db.prepare(sql);
      return () => prepared.all(...params);
    }),
  );
}

function postgresRunners(config: LimitServerConfig): Run[][] {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 8 });
  return config.limits.map((statements, n) =>
    statements.map(({ sql, params }, i) => {
      const query = { name: `limit_${n}_${i}`, text: sql, values: [...params] };
      return async () => (await pool.query(query)).rows;
    }),
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function main(): void {
  const config = JSON.parse(process.env.BENCH_LIMIT_CONFIG ?? '') as LimitServerConfig;
  const runners = config.databaseUrl.startsWith('sqlite:') ? sqliteRunners(config) : postgresRunners(config);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    if (url === '/') return send(res, 200, CEILING_BODY);
    const runs = url.startsWith('/limit/') ? runners[Number(url.slice('/limit/'.length))] : undefined;
    if (runs === undefined) return send(res, 404, '{}');
    const [rows, ...rest] = await Promise.all(runs.map((run) => Promise.resolve(run())));
    // A second statement is a count (or the like): sent beside the rows, as an API would.
    send(res, 200, JSON.stringify(rest.length === 0 ? rows : { rows, extra: rest }));
  };
  createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, JSON.stringify({ error: String(error) })));
  }).listen(config.port, '127.0.0.1');
  const floor = Fastify({ logger: false });
  floor.get('/', (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(CEILING_BODY));
  void floor.listen({ port: config.floorPort, host: '127.0.0.1' });
}

main();
