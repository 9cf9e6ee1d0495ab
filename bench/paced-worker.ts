/**
 * Child process of bench/load.ts: requests sent at evenly spaced instants, whatever the answers
 * (an open loop), for latency below saturation. autocannon's own fixed rate is a budget per
 * connection per second: each connection sends back to back until its budget is spent, so half
 * of each second runs saturated and its percentiles are queueing. Here a request waits only for
 * a free connection (that wait counts in its latency) and for the server.
 *
 * The connections are bare keep-alive sockets writing one prepared request and reading answers
 * framed by `Content-Length` (or chunked): an HTTP client library costs several times the CPU
 * per request, and the generator shares this machine's cores with the server it measures.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LoadOptions, LoadResult } from './load.js';

/** Requests still unanswered this long after the last one was due are counted as errors. */
const DRAIN_MS = 10_000;
const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
if (options.rate === undefined || !(options.rate > 0)) throw new Error('a paced load needs a rate');
const rate = options.rate;
const due = Math.max(1, Math.round(rate * options.seconds));
const url = new URL(options.url);

function requestBytes(text: string | undefined): Buffer {
  const body = text === undefined ? null : Buffer.from(text);
  const lines = [`${options.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  return body ? Buffer.concat([head, body]) : head;
}
/** Connection i's request: with `bodies`, connection i always sends `bodies[i % n]`. */
const requests = (options.bodies?.length ? options.bodies : [options.body]).map(requestBytes);

const latencies: number[] = [];
let answered = 0;
let lastAnswerAt = 0;
let failed = 0;
let non2xx = 0;
/** Instants (performance.now) at which requests now waiting for a free connection were issued. */
const waiting: number[] = [];
const idle: Connection[] = [];

/** One keep-alive socket with at most one request in flight. */
class Connection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private sentAt = 0;
  private busy = false;

  constructor(private readonly request: Buffer) {
    this.socket = connect({ host: url.hostname, port: Number(url.port) || 80, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.fail());
    this.socket.on('close', () => this.fail());
  }

  send(dueAt: number): void {
    this.busy = true;
    this.sentAt = dueAt;
    this.socket.write(this.request);
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const status = Number(head.slice(9, 12));
    let end: number;
    if (status === 204 || status === 304) end = headEnd + HEAD_END.length;
    else if (length) {
      end = headEnd + HEAD_END.length + Number(length[1]);
      if (this.buffer.length < end) return;
    } else {
      const chunkedEnd = this.buffer.indexOf(CHUNKED_END, headEnd);
      if (chunkedEnd < 0) return;
      end = chunkedEnd + CHUNKED_END.length;
    }
    if (!(status >= 200 && status <= 299)) non2xx++;
    lastAnswerAt = performance.now();
    latencies.push(lastAnswerAt - this.sentAt);
    answered++;
    this.buffer = this.buffer.subarray(end);
    this.busy = false;
    const next = waiting.shift();
    if (next === undefined) idle.push(this);
    else this.send(next);
  }

  private fail(): void {
    if (this.busy) failed++;
    this.busy = false;
    const at = idle.indexOf(this);
    if (at >= 0) idle.splice(at, 1);
  }
}

const connections = Array.from({ length: options.connections }, (_, i) => new Connection(requests[i % requests.length]!));
idle.push(...connections);

let sent = 0;
const start = performance.now();
await new Promise<void>((resolve) => {
  // Timers fire about every millisecond: each tick sends every request due by now, timed from
  // that tick (a free connection taking it later counts in its latency).
  const tick = (): void => {
    const now = performance.now();
    const shouldHaveSent = Math.min(due, Math.floor(((now - start) / 1000) * rate) + 1);
    for (; sent < shouldHaveSent; sent++) {
      const connection = idle.pop();
      if (connection) connection.send(now);
      else waiting.push(now);
    }
    if (sent < due) setTimeout(tick, 1);
    else resolve();
  };
  tick();
});
const lastDue = performance.now();
while (answered + failed < sent && performance.now() - lastDue < DRAIN_MS) await new Promise((resolve) => setTimeout(resolve, 5));
// Until the last answer: the wait for stragglers is not part of the rate.
const elapsed = (Math.max(lastAnswerAt, lastDue) - start) / 1000;
for (const connection of connections) connection.close();

latencies.sort((a, b) => a - b);
const percentile = (p: number): number =>
  latencies.length === 0 ? Number.NaN : latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
const figures: LoadResult = {
  rps: answered / elapsed,
  p50: percentile(50),
  p99: percentile(99),
  errors: sent - answered,
  non2xx,
  generator: 'paced',
};
process.stdout.write(JSON.stringify(figures));
