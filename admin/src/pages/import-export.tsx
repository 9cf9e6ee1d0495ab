import { useEffect, useRef, useState } from 'preact/hooks';
import { get, postNdjson } from '../api.js';
import { ErrorNote, Notice, Section, useAction } from '../ui.js';

interface ImportJob {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly processed: number;
  readonly total: number;
  readonly imported: number;
  /** Refused lines (the first few); line 0 is the import as a whole. */
  readonly errors: readonly { line: number; message: string }[];
}

const POLL_MS = 500;
const finished = (job: ImportJob): boolean => job.status !== 'running';

/** A plain link: the browser streams the download itself (the session cookie goes along), however many users. */
function ExportSection() {
  return (
    <Section title="Export">
      <p>Every user as JSON Lines, one object a line, as `roster export` writes them, without password hashes.</p>
      <p>
        <a class="button" href="/v1/export" download="roster-users.jsonl">
          Download every user (JSON Lines)
        </a>
      </p>
    </Section>
  );
}

function ImportSection() {
  const file = useRef<HTMLInputElement>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);
  const action = useAction();
  useEffect(() => {
    if (!job || finished(job)) return;
    const timer = setTimeout(() => {
      get<ImportJob>(`/imports/${encodeURIComponent(job.id)}`).then(setJob, (error: unknown) => {
        setPollError(error);
        setJob({ ...job, status: 'failed' });
      });
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);
  const submit = (event: Event) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    setPollError(null);
    void action.run(async () => setJob(await postNdjson<ImportJob>('/imports', await chosen.text())), 'Import started');
  };
  return (
    <Section title="Import">
      <form class="action" onSubmit={submit}>
        <label for="import-file">JSON Lines file</label>
        <input id="import-file" type="file" accept=".ndjson,.jsonl,application/x-ndjson" ref={file} required />
        <button type="submit" disabled={action.busy || (job !== null && !finished(job))}>
          Import
        </button>
      </form>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
      <ErrorNote error={pollError} />
      {job && (
        <div class="progress">
          <label for="import-progress">
            Import {job.status}: {job.processed.toLocaleString('en')} of {job.total.toLocaleString('en')} lines, {job.imported.toLocaleString('en')} imported,{' '}
            {job.errors.length} refused
          </label>
          <progress id="import-progress" max={Math.max(job.total, 1)} value={job.processed} />
          {job.errors.length > 0 && (
            <ul class="errors" aria-label="Refused lines">
              {job.errors.map((error) => (
                <li>
                  {error.line === 0 ? 'The import' : `Line ${error.line}`}: {error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Section>
  );
}

export function ImportExportPage() {
  return (
    <>
      <h1>Import and export</h1>
      <ExportSection />
      <ImportSection />
    </>
  );
}
