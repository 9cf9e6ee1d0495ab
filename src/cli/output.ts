import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { isCoreError } from '../core/errors.js';
import { levelName } from '../core/access/levels.js';
import type { Sanction } from '../core/moderation/moderation.js';
import type { User } from '../core/users/user.js';

/**
 * What the CLI prints. Results go to stdout (one JSON document or one secret per line, for
 * scripts); progress, summaries and errors go to stderr, so stdout holds nothing on failure.
 */

/** A failure the user can fix, reported as its message alone. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Progress and summaries, never results. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The user as `roster users …` prints it; never a password or hash. */
export function userJson(user: User): Record<string, unknown> {
  return {
    id: user.id,
    uuid: user.uuid,
    name: user.name,
    email: user.email,
    level: user.level,
    level_string: levelName(user.level) ?? String(user.level),
    created_at: iso(user.created_at),
  };
}

export function sanctionJson(sanction: Sanction, user: User): Record<string, unknown> {
  return {
    id: sanction.id,
    kind: sanction.kind,
    user_id: sanction.user_id,
    user_name: user.name,
    actor_id: sanction.actor_id,
    reason: sanction.reason,
    created_at: iso(sanction.created_at),
    expires_at: iso(sanction.expires_at),
    in_force: sanction.in_force,
  };
}

/** Prints `error` to stderr and gives the exit code. Commander has already printed its own. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isCoreError(error)) {
    const fields = Object.entries(error.details.fields ?? {}).map(([field, messages]) => `${field} ${messages.join(', ')}`);
    note(`roster: ${fields.length > 0 ? fields.join('; ') : error.message}`);
    return 1;
  }
  if (error instanceof CliError || error instanceof ConfigError) {
    note(`roster: ${error.message}`);
    return 1;
  }
  note(`roster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}
