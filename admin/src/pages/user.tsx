import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { assignableLevels, levelName, mayGlobally, mayOnUser, readsServerData } from '../policy.js';
import type { ApiUser, Json, SanctionInForce } from '../types.js';
import { statusOf } from '../status.js';
import { ErrorNote, formatTime, JsonEditor, Loading, Notice, Section, useAction, useLoad } from '../ui.js';
import { ApiKeys, AuditAbout, LoginAttempts, Memberships, NameHistory, Sessions, Subscriptions } from './user-lists.js';

/** Shown in their own sections, not in the field list. */
const SHOWN_ELSEWHERE = new Set(['client_metadata', 'client_read_only_metadata', 'server_metadata', 'ban', 'mute']);

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Counters and other flat records read best as a list of name: value. */
function FieldValue({ field, value }: { field: string; value: unknown }) {
  if (field.endsWith('_at') && typeof value === 'number') return <>{formatTime(value)}</>;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return (
      <ul class="record">
        {Object.entries(value).map(([name, item]) => (
          <li>
            {name.replaceAll('_', ' ')}: {show(item)}
          </li>
        ))}
      </ul>
    );
  }
  return <>{show(value)}</>;
}

function Fields({ user }: { user: ApiUser }) {
  const entries = Object.entries(user).filter(([field]) => !SHOWN_ELSEWHERE.has(field));
  return (
    <Section title="Fields">
      <dl class="fields">
        {entries.map(([field, value]) => (
          <div class={value !== null && typeof value === 'object' && !Array.isArray(value) ? 'wide' : undefined}>
            <dt>{field.replaceAll('_', ' ')}</dt>
            <dd>
              <FieldValue field={field} value={value} />
            </dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

type Done = () => void;

function LevelForm({ viewer, user, onDone }: { viewer: ApiUser; user: ApiUser; onDone: Done }) {
  const levels = assignableLevels(viewer, user);
  const [level, setLevel] = useState(String(levels[0] ?? ''));
  const action = useAction();
  if (levels.length === 0) return null;
  const submit = (event: Event) => {
    event.preventDefault();
    void action
      .run(() => api('PUT', `/users/${user.id}/level`, { level: Number(level) }), `Level set to ${levelName(Number(level))}`)
      .then((ok) => ok && onDone());
  };
  return (
    <form class="action" onSubmit={submit}>
      <label for="new-level">New level (now {user.level_name})</label>
      <select id="new-level" value={level} onChange={(event) => setLevel(event.currentTarget.value)}>
        {levels.map((value) => (
          <option value={String(value)}>{levelName(value)}</option>
        ))}
      </select>
      <button type="submit" disabled={action.busy}>
        Change level
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </form>
  );
}

function RenameForm({ user, onDone }: { user: ApiUser; onDone: Done }) {
  const [name, setName] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => api('POST', `/users/${user.id}/rename`, { name }), `Renamed to ${name}`).then((ok) => ok && onDone());
  };
  return (
    <form class="action" onSubmit={submit}>
      <label for="new-name">New name</label>
      <input id="new-name" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
      <button type="submit" disabled={action.busy}>
        Rename
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </form>
  );
}

const DURATIONS = ['1d', '3d', '1w', '1mo', '3mo', '1y', 'forever'];

/** Ban or mute with reason and duration; or lift the one in force. */
function SanctionForm({ kind, user, current, onDone }: { kind: 'ban' | 'mute'; user: ApiUser; current: SanctionInForce | null; onDone: Done }) {
  const [reason, setReason] = useState('');
  const [duration, setDuration] = useState('1w');
  const action = useAction();
  const path = kind === 'ban' ? '/bans' : '/mutes';
  const verb = kind === 'ban' ? 'Ban' : 'Mute';
  if (current) {
    return (
      <div class="action">
        <p>
          {verb === 'Ban' ? 'Banned' : 'Muted'} until {current.expires_at === null ? 'forever' : formatTime(current.expires_at)}: {current.reason}
        </p>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => api('DELETE', `${path}/${current.id}`), `${verb} lifted`).then((ok) => ok && onDone())}
        >
          Lift {kind}
        </button>
        <ErrorNote error={action.error} />
        <Notice text={action.done} />
      </div>
    );
  }
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => api('POST', path, { user_id: user.id, reason, duration }), `${verb} imposed`).then((ok) => ok && onDone());
  };
  return (
    <form class="action" onSubmit={submit}>
      <label for={`${kind}-reason`}>{verb} reason</label>
      <input id={`${kind}-reason`} required value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      <label for={`${kind}-duration`}>{verb} duration</label>
      <select id={`${kind}-duration`} value={duration} onChange={(event) => setDuration(event.currentTarget.value)}>
        {DURATIONS.map((value) => (
          <option value={value}>{value}</option>
        ))}
      </select>
      <button type="submit" class="danger" disabled={action.busy}>
        {verb} {user.name}
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </form>
  );
}

function RestrictForm({ user, onDone }: { user: ApiUser; onDone: Done }) {
  const [reason, setReason] = useState(user.restricted_by_admin_reason ?? '');
  const [details, setDetails] = useState(user.restricted_by_admin_private_details ?? '');
  const action = useAction();
  const restricted = !user.restricted_by_admin;
  const submit = (event: Event) => {
    event.preventDefault();
    const body = restricted ? { restricted, reason: reason || null, private_details: details || null } : { restricted };
    void action.run(() => api('PUT', `/users/${user.id}/restriction`, body), restricted ? 'Restricted' : 'Restriction lifted').then((ok) => ok && onDone());
  };
  return (
    <form class="action" onSubmit={submit}>
      {restricted && (
        <>
          <label for="restrict-reason">Restriction reason (the user sees it)</label>
          <input id="restrict-reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
          <label for="restrict-details">Private details (admins only)</label>
          <input id="restrict-details" value={details} onInput={(event) => setDetails(event.currentTarget.value)} />
        </>
      )}
      <button type="submit" disabled={action.busy}>
        {restricted ? 'Restrict' : 'Lift restriction'}
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </form>
  );
}

function DeleteForm({ user, onDone }: { user: ApiUser; onDone: Done }) {
  const [sure, setSure] = useState(false);
  const action = useAction();
  return (
    <div class="action">
      <label class="check">
        <input type="checkbox" checked={sure} onChange={(event) => setSure(event.currentTarget.checked)} /> Delete {user.name}: the account is scrubbed and
        cannot be restored
      </label>
      <button
        type="button"
        class="danger"
        disabled={!sure || action.busy}
        onClick={() => void action.run(() => api('DELETE', `/users/${user.id}`), 'Deleted').then((ok) => ok && onDone())}
      >
        Delete user
      </button>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </div>
  );
}

type MetadataField = 'client_metadata' | 'client_read_only_metadata' | 'server_metadata';

function Metadata({ viewer, user, onDone }: { viewer: ApiUser; user: ApiUser; onDone: Done }) {
  const action = useAction();
  const save = (field: string) => (value: Json) =>
    action
      .run(() => api('PATCH', `/users/${user.id}`, { [field]: value }), `${field.replaceAll('_', ' ')} saved`)
      .then((ok) => {
        if (ok) onDone();
        return ok;
      });
  const profile = mayOnUser(viewer, 'user.update_profile', user);
  const serverData = mayOnUser(viewer, 'user.write_server_data', user);
  const tiers: [MetadataField, string, boolean][] = [
    ['client_metadata', 'Client metadata', profile],
    ['client_read_only_metadata', 'Client read-only metadata', serverData],
    ['server_metadata', 'Server metadata', serverData],
  ];
  const shown = tiers.filter(([field]) => field in user);
  if (shown.length === 0) return null;
  return (
    <Section title="Metadata">
      {shown.map(([field, label, editable]) => (
        <JsonEditor label={label} value={user[field] as Json} {...(editable ? { onSave: save(field) } : {})} />
      ))}
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </Section>
  );
}

export function UserPage({ viewer, id }: { viewer: ApiUser; id: string }) {
  const loaded = useLoad(() => get<ApiUser>(`/users/${encodeURIComponent(id)}`), id);
  const user = loaded.data;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!user) return <Loading what="the user" />;
  const may = (action: Parameters<typeof mayOnUser>[1]) => mayOnUser(viewer, action, user);
  const reload = loaded.reload;
  const actions = [
    assignableLevels(viewer, user).length > 0 && may('user.set_level') && <LevelForm viewer={viewer} user={user} onDone={reload} />,
    may('user.rename') && !user.is_deleted && <RenameForm user={user} onDone={reload} />,
    may('user.ban') && <SanctionForm kind="ban" user={user} current={user.ban} onDone={reload} />,
    may('user.mute') && <SanctionForm kind="mute" user={user} current={user.mute ?? null} onDone={reload} />,
    may('user.restrict') && <RestrictForm user={user} onDone={reload} />,
    may('user.delete') && !user.is_deleted && <DeleteForm user={user} onDone={reload} />,
  ].filter(Boolean);
  const credentials = may('user.oversee_credentials');
  return (
    <>
      <h1>
        {user.name} <span class="muted">#{user.id}</span>
      </h1>
      <p class="muted">
        {user.level_name} · {statusOf(user)}
      </p>
      <Section title="Actions">{actions.length > 0 ? actions : <p class="muted">Your level allows no action on this user.</p>}</Section>
      <Fields user={user} />
      <Metadata viewer={viewer} user={user} onDone={reload} />
      {credentials && <ApiKeys userId={user.id} mayRevoke={credentials} />}
      {credentials && <Sessions userId={user.id} mayRevoke={credentials} />}
      {may('user.view_name_history') && <NameHistory userId={user.id} />}
      {mayGlobally(viewer, 'audit.view') && <LoginAttempts userId={user.id} />}
      {mayGlobally(viewer, 'audit.view') && <AuditAbout userId={user.id} />}
      <Memberships userId={user.id} />
      {readsServerData(viewer, user) && <Subscriptions userId={user.id} />}
    </>
  );
}
