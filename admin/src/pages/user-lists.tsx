/** The lists on a user's page: keys, sessions, names, sign-ins, audit entries, memberships, subscriptions. */
import { api, get } from '../api.js';
import { href } from '../router.js';
import type { ApiKey, Page, Session } from '../types.js';
import { DataTable, ErrorNote, formatTime, Loading, Notice, Section, useAction, useLoad } from '../ui.js';

/** One list section: loads `path`, shows a table. */
function ListSection<T>({
  title,
  path,
  query,
  columns,
}: {
  title: string;
  path: string;
  query?: Record<string, string | number>;
  columns: readonly { title: string; cell: (row: T, reload: () => void) => preact.ComponentChildren }[];
}) {
  const list = useLoad(() => get<Page<T>>(path, query), `${path}?${JSON.stringify(query)}`);
  return (
    <Section title={title}>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading what={title.toLowerCase()} />}
      {list.data && (
        <DataTable caption={title} rows={list.data.items} columns={columns.map(({ title, cell }) => ({ title, cell: (row: T) => cell(row, list.reload) }))} />
      )}
    </Section>
  );
}

function RevokeButton({ label, path, onDone }: { label: string; path: string; onDone: () => void }) {
  const action = useAction();
  return (
    <>
      <button
        type="button"
        class="danger"
        disabled={action.busy}
        onClick={() => void action.run(() => api('DELETE', path), 'Revoked').then((ok) => ok && onDone())}
      >
        {label}
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </>
  );
}

export function ApiKeys({ userId, mayRevoke }: { userId: number; mayRevoke: boolean }) {
  return (
    <ListSection<ApiKey>
      title="API keys"
      path={`/users/${userId}/api-keys`}
      columns={[
        { title: 'Name', cell: (key) => key.name || '(unnamed)' },
        { title: 'Ends in', cell: (key) => key.token_hint },
        { title: 'Created', cell: (key) => formatTime(key.created_at) },
        { title: 'Last used', cell: (key) => formatTime(key.last_used_at) },
        ...(mayRevoke
          ? [
              {
                title: 'Action',
                cell: (key: ApiKey, reload: () => void) => (
                  <RevokeButton label={`Revoke key ${key.name || key.id}`} path={`/api-keys/${key.id}`} onDone={reload} />
                ),
              },
            ]
          : []),
      ]}
    />
  );
}

export function Sessions({ userId, mayRevoke }: { userId: number; mayRevoke: boolean }) {
  return (
    <ListSection<Session>
      title="Sessions"
      path={`/users/${userId}/sessions`}
      columns={[
        { title: 'Opened', cell: (session) => formatTime(session.created_at) },
        { title: 'Last seen', cell: (session) => formatTime(session.last_seen_at) },
        { title: 'Address', cell: (session) => session.ip ?? '—' },
        { title: 'Browser', cell: (session) => session.user_agent ?? '—' },
        { title: 'Revoked', cell: (session) => formatTime(session.revoked_at) },
        ...(mayRevoke
          ? [
              {
                title: 'Action',
                cell: (session: Session, reload: () => void) =>
                  session.revoked_at === null ? <RevokeButton label={`Revoke session ${session.id}`} path={`/sessions/${session.id}`} onDone={reload} /> : '—',
              },
            ]
          : []),
      ]}
    />
  );
}

interface NameChange {
  readonly old_name: string;
  readonly new_name: string;
  readonly created_at: number;
}

export const NameHistory = ({ userId }: { userId: number }) => (
  <ListSection<NameChange>
    title="Name history"
    path="/name-changes"
    query={{ user_id: userId, limit: 20 }}
    columns={[
      { title: 'From', cell: (change) => change.old_name },
      { title: 'To', cell: (change) => change.new_name },
      { title: 'When', cell: (change) => formatTime(change.created_at) },
    ]}
  />
);

interface LoginAttempt {
  readonly created_at: number;
  readonly ip: string | null;
  readonly success: boolean;
  readonly reason: string;
}

export const LoginAttempts = ({ userId }: { userId: number }) => (
  <ListSection<LoginAttempt>
    title="Sign-in attempts"
    path="/login-attempts"
    query={{ user_id: userId, limit: 20 }}
    columns={[
      { title: 'When', cell: (attempt) => formatTime(attempt.created_at) },
      { title: 'Address', cell: (attempt) => attempt.ip ?? '—' },
      { title: 'Result', cell: (attempt) => (attempt.success ? 'success' : attempt.reason.replaceAll('_', ' ')) },
    ]}
  />
);

export interface AuditEntry {
  readonly id: number;
  readonly created_at: number;
  readonly actor_id: number | null;
  readonly action: string;
  readonly target_user_id?: number | null;
  readonly subject_type?: string;
  readonly subject_id?: number | string | null;
  readonly [field: string]: unknown;
}

export const auditColumns = [
  { title: 'When', cell: (entry: AuditEntry) => formatTime(entry.created_at) },
  { title: 'Actor', cell: (entry: AuditEntry) => (entry.actor_id === null ? 'system' : <a href={href('users', entry.actor_id)}>#{entry.actor_id}</a>) },
  { title: 'Action', cell: (entry: AuditEntry) => entry.action },
  {
    title: 'About',
    cell: (entry: AuditEntry) =>
      entry.target_user_id != null ? (
        <a href={href('users', entry.target_user_id)}>user #{entry.target_user_id}</a>
      ) : (
        `${entry.subject_type ?? ''} ${entry.subject_id ?? ''}`
      ),
  },
];

export const AuditAbout = ({ userId }: { userId: number }) => (
  <ListSection<AuditEntry> title="Audit entries about this user" path="/audit-log" query={{ target_user_id: userId, limit: 20 }} columns={auditColumns} />
);

interface Membership {
  readonly id: number;
  readonly organization_id: number;
  readonly role: string;
  readonly created_at: number;
}

export const Memberships = ({ userId }: { userId: number }) => (
  <ListSection<Membership>
    title="Memberships"
    path={`/users/${userId}/memberships`}
    columns={[
      { title: 'Organization', cell: (membership) => <a href={href('organizations', membership.organization_id)}>#{membership.organization_id}</a> },
      { title: 'Role', cell: (membership) => membership.role },
      { title: 'Since', cell: (membership) => formatTime(membership.created_at) },
    ]}
  />
);

interface Subscription {
  readonly product: string;
  readonly tier: string;
  readonly expires_at: number | null;
}

export const Subscriptions = ({ userId }: { userId: number }) => (
  <ListSection<Subscription>
    title="Subscriptions"
    path={`/users/${userId}/subscriptions`}
    columns={[
      { title: 'Product', cell: (subscription) => subscription.product },
      { title: 'Tier', cell: (subscription) => subscription.tier },
      { title: 'Ends', cell: (subscription) => formatTime(subscription.expires_at) },
    ]}
  />
);
