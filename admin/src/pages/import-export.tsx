import { useEffect, useRef, useState } from 'preact/hooks';
import { get, getText, postNdjson } from '../api.js';
import { ErrorNote, Notice, Section, useAction } from '../ui.js';

interface ImportJob {
  readonly id: string | number;
  readonly status: string;
  readonly processed: number;
  readonly total: number | null;
  readonly errors: readonly unknown[] | number;
}

const POLL_MS = 500;
const finished = (job: ImportJob): boolean => !['queued', 'pending', 'running'].includes(job.status);

function ExportSection() {
  const [url, setUrl] = useState<string | null>(null);
  const action = useAction();
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const run = () =>
    void action.run(async () => {
      const text = await getText('/export');
      setUrl(URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })));
    }, 'Export ready');
  return (
    <Section title="Export">
      <p>Every user as JSON Lines, one object a line.</p>
      <button type="button" disabled={action.busy} onClick={run}>
        Export users
      </button>
      {url && (
        <p>
          <a href={url} download="roster-users.ndjson">
            Download roster-users.ndjson
          </a>
        </p>
      )}
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </Section>
  );
}

function ImportSection() {
  const file = useRef<HTMLInputElement>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const action = useAction();
  useEffect(() => {
    if (!job || finished(job)) return;
    const timer = setTimeout(() => {
      get<ImportJob>(`/imports/${job.id}`).then(setJob, () => setJob({ ...job, status: 'unknown' }));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);
  const submit = (event: Event) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    void action.run(async () => setJob(await postNdjson<ImportJob>('/imports', await chosen.text())), 'Import started');
  };
  const errors = job ? (typeof job.errors === 'number' ? job.errors : job.errors.length) : 0;
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
      {job && (
        <div class="progress">
          <label for="import-progress">
            Import {job.status}: {job.processed} of {job.total ?? '?'} lines, {errors} errors
          </label>
          <progress id="import-progress" max={job.total ?? undefined} value={job.processed} />
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
