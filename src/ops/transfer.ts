import type { Kysely } from 'kysely';
import type { Database, NameChangeRow, SanctionRow, SubscriptionRow } from '../db/schema.js';
import { recordAudit } from '../core/moderation/audit.js';
import { refreshStatistics, SubstringIndexPause } from './bulk-write.js';
import type { Core } from '../core/context.js';
import { forbidden, invalidParam } from '../core/errors.js';
import { renderExportLine, type ExportLineOptions } from './render-export-line.js';
import { ImportWriter, type ImportFailure } from './transfer-batch.js';
import { LineError, parseImportLine, type ImportRecord } from './transfer-format.js';
import { can, outranks } from '../core/access/policy.js';
import type { Viewer } from '../core/access/viewer.js';

export type { ImportFailure } from './transfer-batch.js';

/** Export and import move every account: the system and admins (`data.transfer`). */
export function assertMayTransfer(viewer: Viewer): void {
  if (!can(viewer, 'data.transfer')) throw forbidden('Only admins may export or import users');
}

/** Past this many imported users the SQLite substring index is paused and rebuilt once at the end. */
const PAUSE_INDEX_AFTER = 20_000;

/**
 * Every user as JSON Lines (see transfer-format.ts), in id order, password hashes included.
 * Reads in keyset batches of `batchSize` users, each with its name history, sanctions and
 * subscriptions in three more queries, so memory stays flat whatever the count. Yields one
 * string of lines per batch. Batches are separate reads: users changed by a running server
 * while exporting appear as they were when their batch was read. The system and admins (`data.transfer`).
 */
export async function* exportUsers(core: Core, viewer: Viewer, options: { batchSize?: number } & ExportLineOptions = {}): AsyncGenerator<string> {
  assertMayTransfer(viewer);
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalidParam('batch', 'batch size must be a whole number ≥ 1');
  let after = 0;
  let count = 0;
  for (;;) {
    const users = await core.db.selectFrom('users').selectAll().where('id', '>', after).orderBy('id').limit(batchSize).execute();
    if (users.length === 0) break;
    const related = await loadRelated(
      core.db,
      users.map((user) => user.id),
    );
    yield users.map((user) => `${renderExportLine(user, related(user.id), options)}\n`).join('');
    after = (users.at(-1) as { id: number }).id;
    count += users.length;
  }
  await recordAudit(core.db, viewer, core.now(), {
    action: 'user.export',
    subjectType: 'user',
    subjectId: null,
    targetUserId: null,
    details: { users: count },
  });
}

type Related = { nameChanges: NameChangeRow[]; sanctions: SanctionRow[]; subscriptions: SubscriptionRow[] };

async function loadRelated(db: Kysely<Database>, ids: readonly number[]): Promise<(userId: number) => Related> {
  const [nameChanges, sanctions, subscriptions] = await Promise.all([
    db.selectFrom('name_changes').selectAll().where('user_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('sanctions').selectAll().where('user_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('subscriptions').selectAll().where('user_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
  ]);
  const byUser = new Map<number, Related>();
  const entry = (userId: number): Related => {
    let found = byUser.get(userId);
    if (!found) byUser.set(userId, (found = { nameChanges: [], sanctions: [], subscriptions: [] }));
    return found;
  };
  for (const row of nameChanges) entry(row.user_id).nameChanges.push(row);
  for (const row of sanctions) entry(row.user_id).sanctions.push(row);
  for (const row of subscriptions) entry(row.user_id).subscriptions.push(row);
  return entry;
}

export interface ImportOptions {
  /** Users written per transaction (default 10,000). */
  readonly batchSize?: number;
  /** Called for each line that could not be imported, as soon as it is known. */
  readonly onFailure?: (failure: ImportFailure) => void;
  readonly onProgress?: (imported: number) => void;
  /** Stops reading; the users written so far stay. */
  readonly signal?: AbortSignal;
  /** Hears internal write failures, whose lines then read only as internal errors (see `ImportWriter`). */
  readonly onInternalError?: (error: unknown) => void;
}

export interface ImportSummary {
  /** Non-blank lines read. */
  readonly lines: number;
  readonly imported: number;
  readonly failed: number;
  /** Users whose id was taken here and who were given a new one (references follow them). */
  readonly idsChanged: number;
  readonly uuidsChanged: number;
  /** References to users that are neither in the file nor imported; left empty. */
  readonly unresolvedReferences: number;
}

/**
 * Imports JSON Lines as `exportUsers` writes them, from any stream of text or bytes. Each line is
 * checked on its own: a bad line is reported (with its number) and skipped, the rest go on.
 * Ids and uuids are kept when free; names must be free. Export → import into an empty database
 * → export gives the same lines. The system and admins (`data.transfer`); an admin's import
 * refuses lines for users at or above the admin's own level (the level rule).
 */
export async function importUsers(
  core: Core,
  viewer: Viewer,
  input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  assertMayTransfer(viewer);
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalidParam('batch', 'batch size must be a whole number ≥ 1');
  const writer = new ImportWriter(core, options.onInternalError);
  const pause = new SubstringIndexPause(core);
  let lines = 0;
  let failed = 0;
  const fail = (failure: ImportFailure) => {
    failed++;
    options.onFailure?.(failure);
  };
  const flush = async (batch: ImportRecord[]) => {
    if (writer.imported + batch.length >= PAUSE_INDEX_AFTER) await pause.pause();
    for (const failure of await writer.write(batch)) fail(failure);
    options.onProgress?.(writer.imported);
  };
  try {
    const batch: ImportRecord[] = [];
    for await (const [number, text] of numberedLines(input)) {
      if (options.signal?.aborted) break;
      if (text.trim() === '') continue;
      lines++;
      try {
        const record = parseImportLine(text, number, core.now());
        if (!outranks(viewer, record.row.level)) throw new LineError('level: only a higher level may import a user at this level');
        batch.push(record);
      } catch (error) {
        fail({ line: number, message: error instanceof LineError ? error.message : String(error) });
      }
      if (batch.length >= batchSize) await flush(batch.splice(0));
    }
    await flush(batch);
  } finally {
    await pause.resume();
  }
  if (writer.imported > 0) await refreshStatistics(core);
  const summary = {
    lines,
    imported: writer.imported,
    failed,
    idsChanged: writer.idsChanged,
    uuidsChanged: writer.uuidsChanged,
    unresolvedReferences: writer.unresolvedReferences,
  };
  await recordAudit(core.db, viewer, core.now(), { action: 'user.import', subjectType: 'user', subjectId: null, targetUserId: null, details: { ...summary } });
  return summary;
}

/** Splits a stream into lines numbered from 1, without holding more than one chunk and one line. */
async function* numberedLines(input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<[number, string]> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let rest = '';
  let number = 0;
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield [++number, stripCarriageReturn(text.slice(start, end))];
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest !== '') yield [++number, stripCarriageReturn(rest)];
}

const stripCarriageReturn = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
