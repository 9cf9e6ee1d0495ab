import { randomUUID } from 'node:crypto';
import type { Core } from '../core/context.js';
import { CoreError, notFound } from '../core/errors.js';
import type { Viewer } from '../core/access/viewer.js';
import { assertMayTransfer, importUsers, type ImportFailure } from './transfer.js';

/** One import started through the API, run in this process; its progress is polled. */
export interface ImportJob {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  /** Lines handled so far: imported or refused. */
  readonly processed: number;
  /** Non-blank lines in the body. */
  readonly total: number;
  readonly imported: number;
  /** Refused lines, at most `MAX_ERRORS_KEPT` of them. */
  readonly errors: ImportFailure[];
}

/** Enough to show what went wrong; the count of failures is `processed - imported`. */
export const MAX_ERRORS_KEPT = 1000;
/** Finished jobs remembered per process, newest kept. */
const MAX_JOBS_KEPT = 50;

interface JobState {
  id: string;
  status: ImportJob['status'];
  total: number;
  imported: number;
  failed: number;
  errors: ImportFailure[];
}

const jobsByCore = new WeakMap<Core, Map<string, JobState>>();

function jobsOf(core: Core): Map<string, JobState> {
  let jobs = jobsByCore.get(core);
  if (!jobs) jobsByCore.set(core, (jobs = new Map<string, JobState>()));
  return jobs;
}

const snapshot = (job: JobState): ImportJob =>
  Object.freeze({
    id: job.id,
    status: job.status,
    processed: job.imported + job.failed,
    total: job.total,
    imported: job.imported,
    errors: [...job.errors],
  });

const countLines = (text: string): number => text.split('\n').filter((line) => line.trim() !== '').length;

function forget(jobs: Map<string, JobState>): void {
  for (const [id, job] of jobs) {
    if (jobs.size <= MAX_JOBS_KEPT) return;
    if (job.status !== 'running') jobs.delete(id);
  }
}

/**
 * Starts importing `text` (JSON Lines as `roster export` writes them) in the background and
 * returns the job at once. One import runs at a time per process (a second is `conflict`):
 * two imports racing for the same names would refuse each other's lines. Admins (`data.transfer`).
 * `onInternalError` hears a failure that is not a `CoreError` (a bug, the database), which the
 * job only calls internal.
 */
export function startImport(core: Core, viewer: Viewer, text: string, options: { readonly onInternalError?: (error: unknown) => void } = {}): ImportJob {
  assertMayTransfer(viewer);
  const jobs = jobsOf(core);
  if ([...jobs.values()].some((job) => job.status === 'running')) {
    throw new CoreError('conflict', 'An import is running already; wait for it to finish', { entity: 'import' });
  }
  const job: JobState = { id: randomUUID(), status: 'running', total: countLines(text), imported: 0, failed: 0, errors: [] };
  jobs.set(job.id, job);
  forget(jobs);
  void importUsers(core, viewer, [text], {
    // A line's internal failure reads only as such in the job (an API response); the caller logs it.
    onInternalError: (error) => options.onInternalError?.(error),
    onProgress: (imported) => {
      job.imported = imported;
    },
    onFailure: (failure) => {
      job.failed++;
      if (job.errors.length < MAX_ERRORS_KEPT) job.errors.push(failure);
    },
  }).then(
    (summary) => {
      job.imported = summary.imported;
      job.failed = summary.failed;
      job.status = 'done';
    },
    (error: unknown) => {
      job.status = 'failed';
      // A CoreError's message is written for callers; anything else stays out of the response, for the log.
      if (!(error instanceof CoreError)) options.onInternalError?.(error);
      job.errors.push({ line: 0, message: error instanceof CoreError ? error.message : 'The import stopped on an internal error' });
    },
  );
  return snapshot(job);
}

/** A job's progress (admins). Jobs live in this process only: another instance's are `not_found`. */
export function getImport(core: Core, viewer: Viewer, id: string): ImportJob {
  assertMayTransfer(viewer);
  const job = jobsOf(core).get(id);
  if (!job) throw notFound('import');
  return snapshot(job);
}
