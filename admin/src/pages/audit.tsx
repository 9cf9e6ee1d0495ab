import { useState } from 'preact/hooks';
import { get } from '../api.js';
import type { Page } from '../types.js';
import { DataTable, ErrorNote, Loading, useLoad } from '../ui.js';
import { auditColumns, type AuditEntry } from './user-lists.js';

/** Suggestions only: the log records more kinds than these. */
const AUDIT_ACTIONS = [
  'user.set_level',
  'user.rename',
  'user.ban',
  'user.unban',
  'user.mute',
  'user.unmute',
  'user.restrict',
  'user.update',
  'user.delete',
  'api_key.revoke',
  'session.revoke',
];

const numberOrUndefined = (text: string): number | undefined => (/^[0-9]+$/.test(text.trim()) ? Number(text) : undefined);

export function AuditPage() {
  const [actor, setActor] = useState('');
  const [target, setTarget] = useState('');
  const [action, setAction] = useState('');
  const [filters, setFilters] = useState({ actor: '', target: '', action: '' });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = {
    limit: 50,
    actor_id: numberOrUndefined(filters.actor),
    target_user_id: numberOrUndefined(filters.target),
    action: filters.action.trim() || undefined,
    ...(cursor !== null ? { cursor } : {}),
  };
  const page = useLoad(() => get<Page<AuditEntry>>('/audit-log', query), JSON.stringify(query));
  return (
    <>
      <h1>Audit log</h1>
      <form
        class="card search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ actor, target, action });
          setCursors([null]);
        }}
      >
        <div class="field">
          <label for="audit-actor">Actor user id</label>
          <input id="audit-actor" inputMode="numeric" pattern="[0-9]*" value={actor} onInput={(event) => setActor(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="audit-target">About user id</label>
          <input id="audit-target" inputMode="numeric" pattern="[0-9]*" value={target} onInput={(event) => setTarget(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <input id="audit-action" list="audit-actions" value={action} onInput={(event) => setAction(event.currentTarget.value)} />
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((name) => (
              <option value={name} />
            ))}
          </datalist>
        </div>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={page.error} />
      {page.loading && !page.data && <Loading what="the audit log" />}
      {page.data && <DataTable caption="Audit entries" rows={page.data.items} columns={auditColumns} empty="No entry." />}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page.data?.next_cursor} onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}>
          Older
        </button>
      </nav>
    </>
  );
}
