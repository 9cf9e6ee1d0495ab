import { loadConfig } from '../config.js';
import { openCore, type OpenCore } from '../core/create-core.js';
import { isCoreError } from '../core/errors.js';
import type { User } from '../core/users/user.js';
import { getUserByName } from '../core/users/users.js';
import { CliError, note } from './output.js';

/**
 * Runs one command against the configured database (`ROSTER_DATABASE_URL`), migrating it first,
 * and closes it afterwards. The CLI opens its own connection, so it works beside a running
 * server on the same database; it acts as the system viewer.
 */
export async function withCore<T>(fn: (core: OpenCore) => Promise<T>): Promise<T> {
  const core = await openCore(loadConfig());
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** The user called `name` (ignoring case), or a CliError naming it. */
export async function userNamed(core: OpenCore, name: string): Promise<User> {
  try {
    return await getUserByName(core, name);
  } catch (error) {
    if (isCoreError(error) && error.code === 'not_found') throw new CliError(`no user named "${name}"`);
    throw error;
  }
}

/**
 * Runs a long job that can stop cleanly: the first SIGINT/SIGTERM aborts `signal` (the job
 * finishes its current batch and tidies up), a second one exits at once. Exit code 130 when
 * interrupted.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    note('roster: stopping after the current batch (again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (controller.signal.aborted) process.exitCode = 130;
  }
}
