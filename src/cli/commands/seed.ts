import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SEED_DEMO_PASSWORD, seedUsers } from '../../ops/seed.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { CliError, note, printJson } from '../output.js';
import { withCore, withInterrupt } from '../with-core.js';

function wholeNumber(text: string, option: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new CliError(`${option} must be a whole number, not "${text}"`);
  return Number(text);
}

async function runSeed(options: { users: string; batch: string; randomSeed?: string }): Promise<void> {
  const users = wholeNumber(options.users, '--users');
  const batchSize = wholeNumber(options.batch, '--batch');
  const randomSeed = options.randomSeed === undefined ? undefined : wholeNumber(options.randomSeed, '--random-seed');
  const bar = new cliProgress.SingleBar(
    { format: 'seeding [{bar}] {percentage}% | {value}/{total} users | {duration_formatted} elapsed, ETA {eta_formatted}', etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(users, 0);
  try {
    const result = await withInterrupt((signal) =>
      withCore((core) =>
        seedUsers(core, SYSTEM, { users, batchSize, signal, onProgress: (done) => bar.update(done), ...(randomSeed === undefined ? {} : { randomSeed }) }),
      ),
    );
    bar.stop();
    note(`roster: seeded ${result.users} user(s) in ${((performance.now() - started) / 1000).toFixed(1)} s; password for all: ${SEED_DEMO_PASSWORD}`);
    printJson({
      users: result.users,
      first_id: result.firstId,
      last_id: result.lastId,
      bans: result.bans,
      mutes: result.mutes,
      name_changes: result.nameChanges,
    });
  } finally {
    bar.stop();
  }
}

/** `roster seed`: fast synthetic users for demos and benchmarks. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      'add synthetic users fast, for demos and benchmarks: varied names, some emails, a spread of levels, activity counters, ' +
        `sign-ups over twelve years, a few bans, mutes and renames. Every seeded user's password is "${SEED_DEMO_PASSWORD}" ` +
        '(one shared Argon2id hash). Prints a JSON summary; progress on stderr',
    )
    .requiredOption('--users <n>', 'how many users to add')
    .option('--batch <n>', 'users written per transaction', '25000')
    .option('--random-seed <n>', 'the same seed gives the same names and data')
    .action(runSeed);
}
