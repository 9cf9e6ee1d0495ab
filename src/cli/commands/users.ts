import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseLevel, USER_LEVELS, levelName } from '../../core/access/levels.js';
import { AVATAR_NSFW_LEVELS, isAvatarNsfw } from '../../core/users/avatar-nsfw.js';
import { createUser, deleteUser, renameUser, setUserLevel, updateUser } from '../../core/users/users.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { CliError, printJson, userJson } from '../output.js';
import { userNamed, withCore } from '../with-core.js';

const LADDER = USER_LEVELS.map((level) => `${level} ${levelName(level)}`).join(', ');

/** A ladder number or name in any case (`20`, `member`, `Gold`). */
export function levelArgument(text: string): number {
  const level = parseLevel(text);
  if (level === null) throw new CliError(`invalid level "${text}" (use a number or name: ${LADDER})`);
  return level;
}

interface CreateOptions {
  readonly name: string;
  readonly password?: string;
  readonly passwordStdin?: boolean;
  readonly email?: string;
  readonly level?: string;
  readonly emailVerified?: boolean;
}

function passwordFrom(options: CreateOptions): string {
  if (options.password !== undefined && options.passwordStdin) throw new CliError('give --password or --password-stdin, not both');
  if (options.passwordStdin && process.stdin.isTTY) throw new CliError('--password-stdin needs the password piped in (the CLI does not prompt)');
  if (options.passwordStdin) return readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (options.password === undefined) throw new CliError('a password is needed: --password P or --password-stdin');
  return options.password;
}

/** `roster users create|show|set-level|rename|delete`; each prints the user as one line of JSON. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage accounts (printed as JSON, never with a password)');

  users
    .command('create')
    .description('create an account')
    .requiredOption('--name <name>', 'user name (unique ignoring case)')
    .option('--password <password>', 'password (visible to other local users in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--email <email>', 'email address')
    .option('--email-verified', 'mark the email address as verified')
    .option('--level <level>', `ladder number or name (${LADDER}); default Member`)
    .action(async (options: CreateOptions) => {
      const level = options.level === undefined ? undefined : levelArgument(options.level);
      const password = passwordFrom(options);
      const user = await withCore((core) =>
        createUser(core, SYSTEM, {
          name: options.name,
          password,
          email: options.email ?? null,
          emailVerified: options.emailVerified === true,
          ...(level === undefined ? {} : { level }),
        }),
      );
      printJson(userJson(user));
    });

  users
    .command('show <name>')
    .description('print an account')
    .action(async (name: string) => printJson(userJson(await withCore((core) => userNamed(core, name)))));

  users
    .command('set-level <name> <level>')
    .description(`change an account's level (${LADDER})`)
    .action(async (name: string, levelText: string) => {
      const level = levelArgument(levelText);
      const user = await withCore(async (core) => setUserLevel(core, SYSTEM, (await userNamed(core, name)).id, level));
      printJson(userJson(user));
    });

  users
    .command('set-avatar-nsfw <name> <level>')
    .description(`set the browsing level of an account's avatar (${AVATAR_NSFW_LEVELS.join(', ')})`)
    .action(async (name: string, level: string) => {
      if (!isAvatarNsfw(level)) throw new CliError(`invalid avatar level "${level}" (use ${AVATAR_NSFW_LEVELS.join(', ')})`);
      const user = await withCore(async (core) => updateUser(core, SYSTEM, (await userNamed(core, name)).id, { avatarNsfw: level }));
      printJson({ ...userJson(user), avatar_nsfw: user.avatar_nsfw });
    });

  users
    .command('rename <old-name> <new-name>')
    .description('rename an account (recorded in its name history)')
    .action(async (oldName: string, newName: string) => {
      const user = await withCore(async (core) => renameUser(core, SYSTEM, (await userNamed(core, oldName)).id, newName));
      printJson(userJson(user));
    });

  users
    .command('delete <name>')
    .description('delete an account (scrubbed to user_<id>, its sessions and keys revoked)')
    .action(async (name: string) => {
      const user = await withCore(async (core) => deleteUser(core, SYSTEM, (await userNamed(core, name)).id));
      printJson(userJson(user));
    });
}
