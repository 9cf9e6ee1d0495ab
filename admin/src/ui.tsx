/** The console's few shared pieces: loading, errors, labelled fields, JSON editing, dates. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import type { Json } from './types.js';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `load` when `key` changes (and on `reload`); the latest answer wins. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure on each render; `key` says when it asks for something else.
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.fields).map(([field, problems]) => `${field}: ${problems.join(', ')}`);
    return [error.message, ...fields].join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p class="error" role="alert">
      {messageOf(error)}
    </p>
  );
}

export function Notice({ text }: { text: string | null }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {text ?? ''}
    </p>
  );
}

/** Runs a write, reporting its error or its success line; `busy` while it runs. */
export interface Action {
  readonly busy: boolean;
  readonly error: unknown;
  readonly done: string | null;
  readonly run: (work: () => Promise<unknown>, done: string) => Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await work();
      setDone(message);
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run };
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  const id = useId();
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** `{"a":1}` → ok; the parse error otherwise, where the browser's message says where. */
export function parseJson(text: string): { ok: true; value: Json } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'not JSON' };
  }
}

/** Editable JSON with validation as one types; Save sends only valid JSON objects. */
export function JsonEditor({ label, value, onSave }: { label: string; value: Json | undefined; onSave?: (value: Json) => Promise<boolean> }) {
  const id = useId();
  const initial = JSON.stringify(value ?? {}, null, 2);
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  const parsed = parseJson(text);
  const problem = !parsed.ok
    ? parsed.message
    : parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)
      ? 'must be a JSON object'
      : null;
  return (
    <div class="json-editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={6}
        spellcheck={false}
        readOnly={onSave === undefined}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-problem`}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <p id={`${id}-problem`} class={problem ? 'error' : 'muted'}>
        {problem ? `Not saved: ${problem}` : onSave ? 'Valid JSON' : 'Read only'}
      </p>
      {onSave && (
        <button type="button" disabled={problem !== null || text === initial} onClick={() => parsed.ok && void onSave(parsed.value)}>
          Save {label.toLowerCase()}
        </button>
      )}
    </div>
  );
}

export function DataTable<T>({
  caption,
  rows,
  columns,
  empty = 'None',
}: {
  caption: string;
  rows: readonly T[];
  columns: readonly { title: string; cell: (row: T) => ComponentChildren }[];
  empty?: string;
}) {
  if (rows.length === 0) return <p class="muted">{empty}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col">{column.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {columns.map((column) => (
                <td data-label={column.title}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
