import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportUsers, importUsers } from '../../ops/transfer.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { CliError, note } from '../output.js';
import { withCore, withInterrupt } from '../with-core.js';

const FORMAT = 'JSON Lines, one user per line with password hash, name history, bans/mutes, subscriptions, counters, preferences and metadata';

/** Writes lines to stdout; false when the reader went away (`roster export | head`), which is no error. */
async function toStdout(lines: AsyncIterable<string>): Promise<boolean> {
  try {
    await pipeline(Readable.from(lines), process.stdout, { end: false });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return false;
    throw error;
  }
}

async function runExport(options: { output?: string }): Promise<void> {
  let users = 0;
  const complete = await withCore(async (core) => {
    const lines = async function* (): AsyncGenerator<string> {
      for await (const chunk of exportUsers(core, SYSTEM)) {
        users += chunk.split('\n').length - 1;
        yield chunk;
      }
    };
    if (options.output === undefined) return toStdout(lines());
    await pipeline(Readable.from(lines()), createWriteStream(options.output));
    return true;
  });
  if (complete) note(`roster: exported ${users} user(s)${options.output === undefined ? '' : ` to ${options.output}`}`);
}

async function runImport(options: { input?: string; batch: string }): Promise<void> {
  // Never wait on a terminal: the CLI does not prompt.
  if (options.input === undefined && process.stdin.isTTY) throw new CliError('nothing to import: give --input FILE or pipe JSON Lines to stdin');
  const input = options.input === undefined ? process.stdin : createReadStream(options.input);
  const summary = await withInterrupt((signal) =>
    withCore((core) =>
      importUsers(core, SYSTEM, input, {
        batchSize: Number(options.batch),
        signal,
        onFailure: (failure) => note(`roster: line ${failure.line}: ${failure.message}`),
      }),
    ),
  );
  note(
    `roster: imported ${summary.imported} of ${summary.lines} user(s), ${summary.failed} failed` +
      (summary.idsChanged > 0 ? `, ${summary.idsChanged} given a new id (id taken)` : '') +
      (summary.uuidsChanged > 0 ? `, ${summary.uuidsChanged} given a new uuid (uuid taken)` : '') +
      (summary.unresolvedReferences > 0 ? `, ${summary.unresolvedReferences} reference(s) to users not in the file left empty` : ''),
  );
  if (summary.failed > 0) process.exitCode = 1;
}

/** `roster export` and `roster import`. */
export function registerTransferCommands(program: Command): void {
  program
    .command('export')
    .description(`write every user, in id order, as ${FORMAT}`)
    .option('--output <file>', 'write to this file instead of stdout')
    .action(runExport);

  program
    .command('import')
    .description(
      `read users written by "roster export" (${FORMAT}). Ids and uuids are kept when free; a bad line is reported ` +
        'on stderr with its number and skipped, the rest go on; exit code 1 if any line failed',
    )
    .option('--input <file>', 'read this file instead of stdin')
    .option('--batch <n>', 'users written per transaction', '10000')
    .action(runImport);
}
