import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database, NewUserRow, SanctionsTable } from '../db/schema.js';
import { insertRows, reserveIds, syncIdSequence, writeTransaction } from './bulk-write.js';
import type { Core } from '../core/context.js';
import { DELETED_NAME_PATTERN } from '../core/users/names.js';
import type { ImportRecord } from './transfer-format.js';
import { uniqueViolationColumn } from '../core/unique-violation.js';

export interface ImportFailure {
  readonly line: number;
  readonly message: string;
}

/** A reference to a user not imported yet, to fill in when (if) that user arrives. */
interface Fixup {
  readonly table: 'users' | 'sanctions' | 'name_changes';
  readonly rowId: number;
  readonly column: 'inviter_id' | 'actor_id' | 'lifted_by_id';
}

/** What one batch did; applied to the writer's state only once its transaction committed. */
interface BatchOutcome {
  readonly mapped: Map<number, number>;
  readonly resolved: number[];
  readonly deferred: [number, Fixup][];
  readonly failures: ImportFailure[];
  imported: number;
  idsChanged: number;
  uuidsChanged: number;
}

/**
 * Writes imported users batch by batch, each batch in one transaction. A user whose name is
 * taken fails (so importing a file twice adds nobody twice; a deleted account, named
 * `user_<id>`, is recognised by its uuid instead). Ids and uuids are kept when free; otherwise
 * new ones are given (an id above every id in use, which a later user of the file may then find
 * taken in turn) and references to the user (inviter, ban and rename actors) follow. A
 * reference to a user later in the file is filled in when that user arrives.
 * A batch that fails as a whole (say, a name taken meanwhile by the running server) is retried
 * user by user, so that one bad user costs only its own line.
 */
export class ImportWriter {
  /** The file's user id → the id given here. */
  private readonly ids = new Map<number, number>();
  private readonly pending = new Map<number, Fixup[]>();
  imported = 0;
  idsChanged = 0;
  uuidsChanged = 0;

  /**
   * `onInternalError`: hears a write that failed for a reason other than a taken value (a bug,
   * the database), whose line then reads only as an internal error; without it the line carries
   * the error's own message (the CLI's operator reads it).
   */
  constructor(
    private readonly core: Core,
    private readonly onInternalError?: (error: unknown) => void,
  ) {}

  /** References to users that never arrived; they were left empty. */
  get unresolvedReferences(): number {
    let count = 0;
    for (const fixups of this.pending.values()) count += fixups.length;
    return count;
  }

  /** Writes `records`; returns the ones that could not be written. */
  async write(records: readonly ImportRecord[]): Promise<ImportFailure[]> {
    if (records.length === 0) return [];
    try {
      const outcome = await writeTransaction(this.core, (trx) => this.insertBatch(trx, records));
      this.apply(outcome);
      return outcome.failures;
    } catch (error) {
      if (records.length === 1) return [{ line: (records[0] as ImportRecord).line, message: this.describe(error) }];
      const failures: ImportFailure[] = [];
      for (const record of records) failures.push(...(await this.write([record])));
      return failures;
    }
  }

  /** A failed write's message for its line. */
  private describe(error: unknown): string {
    const column = uniqueViolationColumn(error);
    if (column === 'name_lower') return 'name is already taken';
    if (column !== null) return `${column || 'a unique value'} is already taken`;
    if (!this.onInternalError) return error instanceof Error ? error.message : String(error);
    this.onInternalError(error);
    return 'could not be written (an internal error)';
  }

  private apply(outcome: BatchOutcome): void {
    for (const [source, id] of outcome.mapped) this.ids.set(source, id);
    for (const source of outcome.resolved) this.pending.delete(source);
    for (const [source, fixup] of outcome.deferred) this.pending.set(source, [...(this.pending.get(source) ?? []), fixup]);
    this.imported += outcome.imported;
    this.idsChanged += outcome.idsChanged;
    this.uuidsChanged += outcome.uuidsChanged;
  }

  private async insertBatch(trx: Kysely<Database>, records: readonly ImportRecord[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { mapped: new Map(), resolved: [], deferred: [], failures: [], imported: 0, idsChanged: 0, uuidsChanged: 0 };
    const accepted = await this.screen(trx, records, outcome);
    const kept = accepted.filter((entry) => entry.keepId);
    const moved = accepted.filter((entry) => !entry.keepId);
    const inviters: [number, number][] = [];
    await insertRows(
      trx,
      this.core.caps,
      'users',
      kept.map((entry) => this.userRow(entry, entry.record.sourceId as number, outcome, inviters)),
    );
    if (kept.length > 0) await syncIdSequence(trx, this.core, 'users');
    const newIds = await reserveIds(trx, this.core, 'users', moved.length);
    await insertRows(
      trx,
      this.core.caps,
      'users',
      moved.map((entry, index) => this.userRow(entry, newIds[index] as number, outcome, inviters)),
    );
    outcome.imported = accepted.length;
    outcome.idsChanged = accepted.filter((entry) => !entry.keepId && entry.record.sourceId !== null).length;
    const lookup = (source: number | null): number | null => (source === null ? null : (outcome.mapped.get(source) ?? this.ids.get(source) ?? null));
    for (const [userId, inviterSource] of inviters)
      await this.refer(trx, outcome, lookup, inviterSource, { table: 'users', rowId: userId, column: 'inviter_id' });
    await this.insertRelated(trx, accepted, outcome, lookup);
    await this.resolvePending(trx, outcome);
    return outcome;
  }

  /** Drops users whose name is taken; decides which ids and uuids can be kept. */
  private async screen(trx: Kysely<Database>, records: readonly ImportRecord[], outcome: BatchOutcome): Promise<Accepted[]> {
    const taken = await findTaken(trx, records);
    const accepted: Accepted[] = [];
    for (const record of records) {
      if (taken.names.has(record.nameLower)) {
        outcome.failures.push({ line: record.line, message: `name "${record.name}" is already taken` });
        continue;
      }
      // A deleted account's name is not its own (user_<id>): its uuid tells whether it is here already.
      if (record.row.is_deleted === 1 && record.uuid !== null && taken.uuids.has(record.uuid)) {
        outcome.failures.push({ line: record.line, message: `deleted account ${record.uuid} is already here` });
        continue;
      }
      taken.names.add(record.nameLower);
      const keepId = record.sourceId !== null && !taken.ids.has(record.sourceId);
      if (record.sourceId !== null) taken.ids.add(record.sourceId);
      const keepUuid = record.uuid !== null && !taken.uuids.has(record.uuid);
      const uuid = keepUuid ? record.uuid : randomUUID();
      taken.uuids.add(uuid);
      if (record.uuid !== null && !keepUuid) outcome.uuidsChanged++;
      accepted.push({ record, keepId, uuid, id: 0 });
    }
    return accepted;
  }

  private userRow(entry: Accepted, id: number, outcome: BatchOutcome, inviters: [number, number][]): NewUserRow {
    const { record } = entry;
    entry.id = id;
    if (record.sourceId !== null) outcome.mapped.set(record.sourceId, id);
    const inviter = record.inviterSourceId === null ? null : (this.ids.get(record.inviterSourceId) ?? null);
    if (record.inviterSourceId !== null && inviter === null) inviters.push([id, record.inviterSourceId]);
    // A deleted account is called user_<id>: keep that true when it gets a new id.
    const renamed = !entry.keepId && record.row.is_deleted === 1 && DELETED_NAME_PATTERN.test(record.name);
    const row = record.row;
    Object.assign(row, { id, uuid: entry.uuid, inviter_id: inviter });
    if (renamed) Object.assign(row, { name: `user_${id}`, name_lower: `user_${id}` });
    return row;
  }

  private async insertRelated(trx: Kysely<Database>, accepted: readonly Accepted[], outcome: BatchOutcome, lookup: Lookup): Promise<void> {
    const records = accepted.map((entry) => entry.record);
    const changeIds = await reserveIds(
      trx,
      this.core,
      'name_changes',
      records.reduce((n, r) => n + r.nameChanges.length, 0),
    );
    const sanctionIds = await reserveIds(
      trx,
      this.core,
      'sanctions',
      records.reduce((n, r) => n + r.sanctions.length, 0),
    );
    const changes: Insertable<Database['name_changes']>[] = [];
    const sanctions: Insertable<SanctionsTable>[] = [];
    const subscriptions: Insertable<Database['subscriptions']>[] = [];
    const later: [number | null, Fixup][] = [];
    for (const { record, id: userId } of accepted) {
      for (const { actorSourceId, ...change } of record.nameChanges) {
        const id = changeIds[changes.length] as number;
        changes.push({ ...change, id, user_id: userId, actor_id: lookup(actorSourceId) });
        later.push([actorSourceId, { table: 'name_changes', rowId: id, column: 'actor_id' }]);
      }
      for (const { actorSourceId, liftedBySourceId, ...sanction } of record.sanctions) {
        const id = sanctionIds[sanctions.length] as number;
        sanctions.push({ ...sanction, id, user_id: userId, actor_id: lookup(actorSourceId), lifted_by_id: lookup(liftedBySourceId) });
        later.push(
          [actorSourceId, { table: 'sanctions', rowId: id, column: 'actor_id' }],
          [liftedBySourceId, { table: 'sanctions', rowId: id, column: 'lifted_by_id' }],
        );
      }
      for (const subscription of record.subscriptions) subscriptions.push({ ...subscription, user_id: userId });
    }
    await insertRows(trx, this.core.caps, 'name_changes', changes);
    await insertRows(trx, this.core.caps, 'sanctions', sanctions);
    await insertRows(trx, this.core.caps, 'subscriptions', subscriptions);
    for (const [source, fixup] of later) if (source !== null && lookup(source) === null) outcome.deferred.push([source, fixup]);
  }

  /** Sets a reference now if its user is known, or remembers it for when that user arrives. */
  private async refer(trx: Kysely<Database>, outcome: BatchOutcome, lookup: Lookup, source: number, fixup: Fixup): Promise<void> {
    const id = lookup(source);
    if (id === null) outcome.deferred.push([source, fixup]);
    else await setReference(trx, fixup, id);
  }

  /** Fills in earlier users' references to the users of this batch. */
  private async resolvePending(trx: Kysely<Database>, outcome: BatchOutcome): Promise<void> {
    for (const [source, id] of outcome.mapped) {
      const fixups = this.pending.get(source);
      if (!fixups) continue;
      for (const fixup of fixups) await setReference(trx, fixup, id);
      outcome.resolved.push(source);
    }
  }
}

type Lookup = (source: number | null) => number | null;

interface Accepted {
  readonly record: ImportRecord;
  readonly keepId: boolean;
  readonly uuid: string;
  /** The id given here, once inserted. */
  id: number;
}

async function setReference(trx: Kysely<Database>, fixup: Fixup, userId: number): Promise<void> {
  // The three tables and columns are a closed set, checked by the Fixup type.
  await trx
    .updateTable(fixup.table)
    .set({ [fixup.column]: userId } as never)
    .where('id', '=', fixup.rowId)
    .execute();
}

async function findTaken(trx: Kysely<Database>, records: readonly ImportRecord[]): Promise<{ names: Set<string>; uuids: Set<string>; ids: Set<number> }> {
  const sourceIds = records.flatMap((r) => (r.sourceId === null ? [] : [r.sourceId]));
  const uuids = records.flatMap((r) => (r.uuid === null ? [] : [r.uuid]));
  const [byName, byUuid, byId] = await Promise.all([
    trx
      .selectFrom('users')
      .select('name_lower')
      .where(
        'name_lower',
        'in',
        records.map((r) => r.nameLower),
      )
      .execute(),
    uuids.length > 0 ? trx.selectFrom('users').select('uuid').where('uuid', 'in', uuids).execute() : [],
    sourceIds.length > 0 ? trx.selectFrom('users').select('id').where('id', 'in', sourceIds).execute() : [],
  ]);
  return {
    names: new Set(byName.map((row) => row.name_lower)),
    uuids: new Set(byUuid.map((row) => row.uuid)),
    ids: new Set(byId.map((row) => row.id)),
  };
}
