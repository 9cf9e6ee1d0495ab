import { Level } from '../../core/access/levels.js';
import type { User } from '../../core/users/user.js';

/**
 * The ladder map (DESIGN.md "One level ladder"): CVAT knows three IAM groups, `admin`, `user`
 * and `worker` (cvat/apps/iam/signals.py). Admin and above are superusers and staff in group
 * `admin`; Restricted is a `worker`; every other level is a `user`. Banned or deleted accounts
 * are inactive.
 */
export type CvatGroup = 'admin' | 'user' | 'worker';

export const CVAT_GROUPS: readonly CvatGroup[] = Object.freeze(['admin', 'user', 'worker']);

/** The one table: each band of the ladder and what CVAT shows for it. */
const BANDS: readonly { readonly from: number; readonly group: CvatGroup; readonly privileged: boolean }[] = Object.freeze([
  { from: Level.Admin, group: 'admin', privileged: true },
  { from: Level.Member, group: 'user', privileged: false },
  { from: Number.NEGATIVE_INFINITY, group: 'worker', privileged: false },
]);

const bandOf = (level: number) => BANDS.find((band) => level >= band.from)!;

export const groupOf = (level: number): CvatGroup => bandOf(level).group;

/** `is_superuser` and `is_staff` (CVAT gives both to its admins). */
export const isPrivileged = (level: number): boolean => bandOf(level).privileged;

export const isActive = (user: User): boolean => !user.is_deleted && user.ban === null;

/** The level a group stands for when an admin assigns it. */
const LEVEL_OF_GROUP: Readonly<Record<CvatGroup, number>> = Object.freeze({ admin: Level.Admin, user: Level.Member, worker: Level.Restricted });

export const isCvatGroup = (value: unknown): value is CvatGroup => typeof value === 'string' && (CVAT_GROUPS as readonly string[]).includes(value);

/**
 * The level after a PATCH of `groups`, `is_staff` or `is_superuser`: unchanged when the user is
 * already in the band asked for (a Gold user stays Gold as a `user`), otherwise the band's level.
 * `groups` wins over the flags; the highest group listed counts; `[]` means `user`.
 */
export function levelAfter(current: number, change: { groups?: readonly CvatGroup[]; privileged?: boolean }): number {
  let group: CvatGroup | undefined;
  if (change.groups !== undefined) group = CVAT_GROUPS.find((g) => change.groups!.includes(g)) ?? 'user';
  else if (change.privileged !== undefined) group = change.privileged ? 'admin' : isPrivileged(current) ? 'user' : groupOf(current);
  if (group === undefined || group === groupOf(current)) return current;
  return LEVEL_OF_GROUP[group];
}
