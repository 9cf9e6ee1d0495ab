import { randomUUID } from 'node:crypto';
import type { StackProjectRow } from '../../db/schema.js';
import { fixedQuery } from '../../db/fixed-query.js';
import { CACHE_TTL_MS, cachePerCore } from '../change-bound-cache.js';
import { recordAudit } from '../moderation/audit.js';
import type { Core } from '../context.js';
import { forbidden, notFound, validationFailed } from '../errors.js';
import { can } from '../access/policy.js';
import { parseJson } from '../users/user.js';
import { generateSecret, hashSecret, secretsEqual } from '../auth/secrets.js';
import type { Viewer } from '../access/viewer.js';

/** A project's settings, as Stack Auth names them. */
export interface StackProjectConfig {
  /** Client requests must carry `x-stack-publishable-client-key`. */
  readonly require_publishable_client_key: boolean;
  /** Users without a verified primary email are restricted (`email_not_verified`). */
  readonly require_email_verification: boolean;
  /** A client may delete its own user (`DELETE /users/me`). */
  readonly allow_client_user_deletion: boolean;
}

export const DEFAULT_STACK_PROJECT_CONFIG: StackProjectConfig = Object.freeze({
  require_publishable_client_key: true,
  require_email_verification: false,
  allow_client_user_deletion: false,
});

const CONFIG_KEYS = Object.keys(DEFAULT_STACK_PROJECT_CONFIG) as (keyof StackProjectConfig)[];

/** A Stack Auth project. Its keys are shown once, at creation; only their hashes are kept. */
export interface StackProject {
  /** A uuid, sent as `x-stack-project-id`. */
  readonly id: string;
  readonly display_name: string;
  readonly config: StackProjectConfig;
  readonly created_at: number;
}

export type StackKeyKind = 'client' | 'server' | 'admin';

export interface CreatedStackProject {
  readonly project: StackProject;
  readonly publishableClientKey: string;
  readonly secretServerKey: string;
  readonly superSecretAdminKey: string;
}

// Prefixes make a leaked key recognisable (secret scanners, logs) and its kind obvious.
const KEY_PREFIXES: Readonly<Record<StackKeyKind, string>> = { client: 'pck_', server: 'ssk_', admin: 'sak_' };

const DISPLAY_NAME_MAX = 256;

function parseConfig(text: string): StackProjectConfig {
  const stored = parseJson(text);
  const values = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const pick = (key: keyof StackProjectConfig): boolean => (typeof values[key] === 'boolean' ? values[key] : DEFAULT_STACK_PROJECT_CONFIG[key]);
  return Object.freeze(Object.fromEntries(CONFIG_KEYS.map((key) => [key, pick(key)])) as unknown as StackProjectConfig);
}

function toStackProject(row: Pick<StackProjectRow, 'id' | 'display_name' | 'config' | 'created_at'>): StackProject {
  return Object.freeze({ id: row.id, display_name: row.display_name, config: parseConfig(row.config), created_at: row.created_at });
}

// Projects belong to the installation, not to a user: whoever may read the installation's audit
// log (admins, the system) manages them.
const managesProjects = (viewer: Viewer): boolean => can(viewer, 'stack_project.manage');

/** The trimmed display name and the settings, or `validation_failed` naming each problem. */
function checkedSettings(name: string, config: Readonly<Record<string, unknown>>): { displayName: string; config: StackProjectConfig } {
  const displayName = name.trim();
  const problems: Record<string, string[]> = {};
  if (displayName.length === 0 || displayName.length > DISPLAY_NAME_MAX) problems.display_name = [`must be 1 to ${DISPLAY_NAME_MAX} characters long`];
  const badKeys = Object.entries(config).filter(([key, value]) => !CONFIG_KEYS.includes(key as keyof StackProjectConfig) || typeof value !== 'boolean');
  if (badKeys.length > 0) problems.config = badKeys.map(([key]) => `${key} is not a known boolean setting`);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
  return { displayName, config: config as unknown as StackProjectConfig };
}

/** Creates a project and its three keys; the keys are returned here and never again. */
export async function createStackProject(
  core: Core,
  viewer: Viewer,
  input: { displayName: string; config?: Partial<StackProjectConfig> },
): Promise<CreatedStackProject> {
  if (!managesProjects(viewer)) throw forbidden();
  const { displayName, config } = checkedSettings(input.displayName, { ...DEFAULT_STACK_PROJECT_CONFIG, ...input.config });
  const keys = { client: KEY_PREFIXES.client + generateSecret(), server: KEY_PREFIXES.server + generateSecret(), admin: KEY_PREFIXES.admin + generateSecret() };
  const now = core.now();
  const row = {
    id: randomUUID(),
    display_name: displayName,
    publishable_client_key_hash: hashSecret(keys.client),
    secret_server_key_hash: hashSecret(keys.server),
    super_secret_admin_key_hash: hashSecret(keys.admin),
    config: JSON.stringify(config),
    access_token_key: generateSecret(),
    created_at: now,
  };
  await core.db.transaction().execute(async (trx) => {
    await trx.insertInto('stack_projects').values(row).execute();
    await recordAudit(trx, viewer, now, {
      action: 'stack_project.create',
      subjectType: 'stack_project',
      subjectId: null,
      targetUserId: null,
      details: { project_id: row.id, display_name: displayName },
    });
  });
  return Object.freeze({
    project: toStackProject(row),
    publishableClientKey: keys.client,
    secretServerKey: keys.server,
    superSecretAdminKey: keys.admin,
  });
}

/** What authenticating against a project reads: the project, its key hashes and the key signing its access tokens. */
interface ProjectSecrets {
  readonly project: StackProject;
  readonly keyHashes: Readonly<Record<StackKeyKind, string>>;
  readonly accessTokenKey: Uint8Array | null;
}

const projectById = fixedQuery<[projectId: string], StackProjectRow>((db, args) =>
  db.selectFrom('stack_projects').selectAll().where('id', '=', args.value<string>(0)),
);

const projectCacheFor = cachePerCore<string, ProjectSecrets>();

/**
 * A project's secrets by id, from this core's cache (every request of the Stack dialect names its
 * project) or the database; dropped when the project changes.
 */
async function projectSecrets(core: Core, projectId: string): Promise<ProjectSecrets | null> {
  const id = projectId.toLowerCase();
  const cache = projectCacheFor(core);
  const now = core.now();
  const cached = cache.get(id, now);
  if (cached) return cached;
  const generation = cache.generation;
  const [row] = await projectById(core.db, id);
  if (!row) return null;
  const secrets: ProjectSecrets = Object.freeze({
    project: toStackProject(row),
    keyHashes: Object.freeze({ client: row.publishable_client_key_hash, server: row.secret_server_key_hash, admin: row.super_secret_admin_key_hash }),
    accessTokenKey: row.access_token_key === null ? null : new Uint8Array(Buffer.from(row.access_token_key, 'base64url')),
  });
  cache.set(id, secrets, { validUntil: now + CACHE_TTL_MS, dependsOn: [{ kind: 'stack_project', projectId: id }] }, generation);
  return secrets;
}

/**
 * A project by id, or null. Takes no viewer: the project is resolved from request headers
 * before anyone is authenticated.
 */
export async function getStackProject(core: Core, projectId: string): Promise<StackProject | null> {
  return (await projectSecrets(core, projectId))?.project ?? null;
}

/** Is `key` the project's key of that kind? False for unknown projects; compared in constant time. */
export async function verifyStackProjectKey(core: Core, projectId: string, kind: StackKeyKind, key: string): Promise<boolean> {
  const secrets = await projectSecrets(core, projectId);
  return secrets !== null && secretsEqual(hashSecret(key), secrets.keyHashes[kind]);
}

/** Every project, oldest first (admins and the system). */
export async function listStackProjects(core: Core, viewer: Viewer): Promise<StackProject[]> {
  if (!managesProjects(viewer)) throw forbidden();
  const rows = await core.db.selectFrom('stack_projects').select(['id', 'display_name', 'config', 'created_at']).orderBy('created_at').orderBy('id').execute();
  return rows.map(toStackProject);
}

/** Renames a project or changes some of its settings (admins and the system); audited. */
export async function updateStackProject(
  core: Core,
  viewer: Viewer,
  projectId: string,
  patch: { displayName?: string; config?: Readonly<Record<string, unknown>> },
): Promise<StackProject> {
  if (!managesProjects(viewer)) throw forbidden();
  const known = await getStackProject(core, projectId);
  if (!known) throw notFound('stack_project');
  const now = core.now();
  const { current, displayName, config } = await core.db.transaction().execute(async (trx) => {
    // The patch is merged into the row as it is now, locked (a write first), not into the
    // cached project: another instance may have just changed a setting this patch leaves alone.
    const row = await trx
      .updateTable('stack_projects')
      .set((eb) => ({ config: eb.ref('config') }))
      .where('id', '=', known.id)
      .returning(['id', 'display_name', 'config', 'created_at'])
      .executeTakeFirst();
    if (!row) throw notFound('stack_project');
    const current = toStackProject(row);
    const settings = checkedSettings(patch.displayName ?? current.display_name, { ...current.config, ...patch.config });
    await trx
      .updateTable('stack_projects')
      .set({ display_name: settings.displayName, config: JSON.stringify(settings.config) })
      .where('id', '=', current.id)
      .execute();
    await recordAudit(trx, viewer, now, {
      action: 'stack_project.update',
      subjectType: 'stack_project',
      subjectId: null,
      targetUserId: null,
      details: {
        project_id: current.id,
        ...(patch.displayName !== undefined ? { display_name: settings.displayName } : {}),
        ...(patch.config ? { config: settings.config } : {}),
      },
    });
    return { current, ...settings };
  });
  await core.changes.publish(core.db, { kind: 'stack_project', projectId: current.id });
  return Object.freeze({ ...current, display_name: displayName, config: Object.freeze({ ...config }) });
}

/**
 * The key signing the project's access tokens, created on first use for a project that has none.
 * Only core/auth/stack-tokens.ts reads it; it never leaves the core.
 */
export async function stackAccessTokenKey(core: Core, projectId: string): Promise<Uint8Array | null> {
  const secrets = await projectSecrets(core, projectId);
  if (!secrets || secrets.accessTokenKey !== null) return secrets?.accessTokenKey ?? null;
  // Two instances may race here: only the first write lands, and both read it back.
  await core.db
    .updateTable('stack_projects')
    .set({ access_token_key: generateSecret() })
    .where('id', '=', secrets.project.id)
    .where('access_token_key', 'is', null)
    .execute();
  await core.changes.publish(core.db, { kind: 'stack_project', projectId: secrets.project.id });
  return (await projectSecrets(core, projectId))?.accessTokenKey ?? null;
}
