import { useEffect, useState } from 'preact/hooks';
import { get, type Query } from '../api.js';
import { levelName, maySearchUsersBy, USER_LEVELS } from '../policy.js';
import { href } from '../router.js';
import { statusOf } from '../status.js';
import type { ApiUser, Page } from '../types.js';
import { ErrorNote, formatTime, Loading, useLoad } from '../ui.js';

type Mode = 'prefix' | 'contains' | 'email';
type TriState = '' | 'yes' | 'no';

interface Search {
  readonly text: string;
  readonly mode: Mode;
  readonly level: string;
  readonly banned: TriState;
  readonly muted: TriState;
  readonly deleted: TriState;
  readonly organization: string;
}

const EMPTY: Search = { text: '', mode: 'prefix', level: '', banned: '', muted: '', deleted: '', organization: '' };
const SORTABLE = [
  ['id', 'ID'],
  ['name', 'Name'],
  ['level', 'Level'],
  ['created_at', 'Signed up'],
] as const;

const flag = (value: TriState): boolean | undefined => (value === '' ? undefined : value === 'yes');

/** The boxes → the native API's parameters (GET /v1/users). Only the first page asks for the total. */
export function usersQuery(search: Search, sort: string, cursor: string | null): Query {
  const text = search.text.trim();
  const organization = search.organization.trim();
  return {
    limit: 25,
    sort,
    count: cursor === null,
    ...(cursor !== null ? { cursor } : {}),
    ...(text !== '' && search.mode === 'prefix' ? { name_prefix: text } : {}),
    ...(text !== '' && search.mode === 'contains' ? { q: text } : {}),
    ...(text !== '' && search.mode === 'email' ? { email: text } : {}),
    ...(search.level !== '' ? { level: search.level } : {}),
    is_banned: flag(search.banned),
    is_muted: flag(search.muted),
    is_deleted: flag(search.deleted),
    ...(/^[0-9]+$/.test(organization) ? { organization_id: organization } : {}),
  };
}

function TriSelect({ id, label, value, onChange }: { id: string; label: string; value: TriState; onChange: (value: TriState) => void }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value as TriState)}>
        <option value="">Any</option>
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </select>
    </div>
  );
}

export function UsersPage({ viewer }: { viewer: ApiUser }) {
  const [draft, setDraft] = useState<Search>(EMPTY);
  const [search, setSearch] = useState<Search>(EMPTY);
  const [sort, setSort] = useState('-id');
  // Keyset paging: the cursors of the pages before this one, for "Previous".
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = usersQuery(search, sort, cursor);
  const page = useLoad(() => get<Page<ApiUser>>('/users', query), JSON.stringify(query));
  const [total, setTotal] = useState<number | null>(null);
  // Only a first page carries the total; later pages keep showing it.
  useEffect(() => {
    if (page.data?.total !== undefined) setTotal(page.data.total);
  }, [page.data]);
  const searchesEmail = maySearchUsersBy(viewer, 'email');

  const update = (patch: Partial<Search>) => setDraft({ ...draft, ...patch });
  const submit = (event: Event) => {
    event.preventDefault();
    setSearch(draft);
    setCursors([null]);
    setTotal(null);
  };
  /** A column header toggles its field's direction; the select names the order exactly. */
  const sortBy = (field: string, exact = false) => {
    setSort(exact ? field : sort === field ? `-${field}` : field);
    setCursors([null]);
  };

  return (
    <>
      <h1>Users</h1>
      <form class="card search" role="search" onSubmit={submit}>
        <div class="field grow">
          <label for="user-search">Search users</label>
          <input id="user-search" type="search" value={draft.text} onInput={(event) => update({ text: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="user-search-mode">Match</label>
          <select id="user-search-mode" value={draft.mode} onChange={(event) => update({ mode: event.currentTarget.value as Mode })}>
            <option value="prefix">Name starts with</option>
            <option value="contains">Name contains</option>
            {searchesEmail && <option value="email">Email contains</option>}
          </select>
        </div>
        <div class="field">
          <label for="filter-level">Level</label>
          <select id="filter-level" value={draft.level} onChange={(event) => update({ level: event.currentTarget.value })}>
            <option value="">Any</option>
            {USER_LEVELS.map((level) => (
              <option value={String(level)}>{levelName(level)}</option>
            ))}
          </select>
        </div>
        <TriSelect id="filter-banned" label="Banned" value={draft.banned} onChange={(banned) => update({ banned })} />
        <TriSelect id="filter-muted" label="Muted" value={draft.muted} onChange={(muted) => update({ muted })} />
        <TriSelect id="filter-deleted" label="Deleted" value={draft.deleted} onChange={(deleted) => update({ deleted })} />
        <div class="field">
          <label for="filter-organization">Organization id</label>
          <input
            id="filter-organization"
            inputMode="numeric"
            pattern="[0-9]*"
            value={draft.organization}
            onInput={(event) => update({ organization: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="user-sort">Sort by</label>
          <select id="user-sort" value={sort} onChange={(event) => sortBy(event.currentTarget.value, true)}>
            {SORTABLE.flatMap(([field, title]) => [
              <option value={`-${field}`}>{title}, descending</option>,
              <option value={field}>{title}, ascending</option>,
            ])}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={page.error} />
      <p class="muted" role="status" aria-live="polite">
        {page.loading ? 'Searching…' : total !== null ? `${total.toLocaleString('en')} ${total === 1 ? 'user matches' : 'users match'}` : ''}
      </p>
      {page.data && (
        <div class="table-wrap">
          <table class="users">
            <caption class="visually-hidden">Users; column headers sort</caption>
            <thead>
              <tr>
                {SORTABLE.map(([field, title]) => (
                  <th scope="col" aria-sort={sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none'}>
                    <button type="button" class="sort" onClick={() => sortBy(field)}>
                      {title}
                      <span aria-hidden="true">{sort === field ? ' ▲' : sort === `-${field}` ? ' ▼' : ''}</span>
                    </button>
                  </th>
                ))}
                {searchesEmail && <th scope="col">Email</th>}
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((user) => (
                <tr>
                  <td data-label="ID">{user.id}</td>
                  <td data-label="Name">
                    <a href={href('users', user.id)}>{user.name}</a>
                  </td>
                  <td data-label="Level">{user.level_name}</td>
                  <td data-label="Signed up">{formatTime(user.created_at)}</td>
                  {searchesEmail && <td data-label="Email">{user.email ?? '—'}</td>}
                  <td data-label="Status">{statusOf(user)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.items.length === 0 && <p class="muted">No user matches.</p>}
        </div>
      )}
      {page.loading && !page.data && <Loading what="users" />}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={!page.data?.next_cursor} onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}>
          Next page
        </button>
      </nav>
    </>
  );
}
