import type { Command } from 'commander';
import { createStackProject } from '../../core/orgs/stack-projects.js';
import { SYSTEM } from '../../core/access/viewer.js';
import { printJson } from '../output.js';
import { withCore } from '../with-core.js';

/** `roster stack projects create`: prints the project id and its three keys, shown this once. */
export function registerStackCommands(program: Command): void {
  const projects = program.command('stack').description('Stack Auth dialect').command('projects').description('Stack Auth projects');
  projects
    .command('create')
    .description('create a project and print its id and keys as JSON (only hashes of the keys are kept)')
    .requiredOption('--name <name>', 'display name')
    .action(async (options: { name: string }) => {
      const created = await withCore((core) => createStackProject(core, SYSTEM, { displayName: options.name }));
      printJson({
        project_id: created.project.id,
        publishable_client_key: created.publishableClientKey,
        secret_server_key: created.secretServerKey,
        super_secret_admin_key: created.superSecretAdminKey,
      });
    });
}
