import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Core } from '../../src/core/context.js';
import { loadUser } from '../../src/core/users/user-store.js';
import { viewerFor, type Viewer } from '../../src/core/access/viewer.js';
import type { NewUserRow } from '../../src/db/schema.js';

/** Inserts a user row directly (bypassing createUser's rules), Member by default; returns its id. */
export async function insertUser(core: Core, fields: Partial<NewUserRow> & { name: string }): Promise<number> {
  const now = core.now();
  const row = await core.db
    .insertInto('users')
    .values({ uuid: randomUUID(), name_lower: fields.name.toLowerCase(), level: 20, created_at: now, updated_at: now, ...fields })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The user as a signed-in viewer (a session credential). */
export async function viewerOf(core: Core, id: number, ip: string | null = null): Promise<Viewer> {
  const user = await loadUser(core, id);
  assert.ok(user, `no user ${id}`);
  return viewerFor(user, { kind: 'session', id: 0 }, ip);
}

/** A signed-in viewer whose user has an id, as the core's membership and subscription rules need. */
export type UserViewer = Viewer & { readonly id: number };

/** Inserts a user directly (see {@link insertUser}) and returns them as a signed-in viewer. */
export async function insertViewer(core: Core, fields: Partial<NewUserRow> & { name: string }): Promise<UserViewer> {
  return (await viewerOf(core, await insertUser(core, fields))) as UserViewer;
}
