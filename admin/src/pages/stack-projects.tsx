import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import type { Json, Page } from '../types.js';
import { ErrorNote, formatTime, JsonEditor, Loading, Notice, Section, useAction, useLoad } from '../ui.js';

interface StackProject {
  readonly id: string;
  readonly display_name: string;
  readonly config: Json;
  readonly created_at: number;
}

/** The creation answer: the project and its keys, whose secrets are never shown again. */
type Created = { readonly project?: StackProject } & Readonly<Record<string, unknown>>;

function CreateForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action
      .run(async () => setCreated(await api<Created>('POST', '/stack-projects', { display_name: name })), `Created ${name}`)
      .then((ok) => ok && onCreated());
  };
  const keys = created ? Object.entries(created).filter(([field, value]) => /key/i.test(field) && typeof value === 'string') : [];
  return (
    <Section title="New project">
      <form class="action" onSubmit={submit}>
        <label for="project-name">Display name</label>
        <input id="project-name" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>
          Create project
        </button>
      </form>
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
      {keys.length > 0 && (
        <div class="keys" role="region" aria-label="New keys">
          <p>
            <strong>Copy these keys now: they are shown this once.</strong>
          </p>
          <dl class="fields">
            {keys.map(([field, value]) => (
              <div>
                <dt>{field.replaceAll('_', ' ')}</dt>
                <dd>
                  <code>{String(value)}</code>
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </Section>
  );
}

function ProjectCard({ project, onDone }: { project: StackProject; onDone: () => void }) {
  const [name, setName] = useState(project.display_name);
  const action = useAction();
  const patch = (body: object, message: string) =>
    action.run(() => api('PATCH', `/stack-projects/${project.id}`, body), message).then((ok) => (ok && onDone(), ok));
  return (
    <Section title={project.display_name}>
      <p class="muted">
        <code>{project.id}</code> · created {formatTime(project.created_at)}
      </p>
      <form
        class="action"
        onSubmit={(event) => {
          event.preventDefault();
          void patch({ display_name: name }, 'Renamed');
        }}
      >
        <label for={`name-${project.id}`}>Display name</label>
        <input id={`name-${project.id}`} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        <button type="submit" disabled={action.busy || name === project.display_name}>
          Save name
        </button>
      </form>
      <JsonEditor label="Settings" value={project.config} onSave={(config) => patch({ config }, 'Settings saved')} />
      <ErrorNote error={action.error} />
      <Notice text={action.done} />
    </Section>
  );
}

export function StackProjectsPage() {
  const list = useLoad(() => get<Page<StackProject>>('/stack-projects'), 'projects');
  return (
    <>
      <h1>Stack projects</h1>
      <CreateForm onCreated={list.reload} />
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading what="projects" />}
      {list.data?.items.map((project) => (
        <ProjectCard project={project} onDone={list.reload} />
      ))}
    </>
  );
}
