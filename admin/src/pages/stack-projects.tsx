import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import type { Page } from '../types.js';
import { ErrorNote, formatTime, Loading, Notice, Section, useAction, useLoad } from '../ui.js';

type Settings = Readonly<Record<SettingName, boolean>>;
type SettingName = 'require_publishable_client_key' | 'require_email_verification' | 'allow_client_user_deletion';

const SETTINGS: readonly [SettingName, string][] = [
  ['require_publishable_client_key', 'Client requests must carry the publishable client key'],
  ['require_email_verification', 'Users without a verified email are restricted'],
  ['allow_client_user_deletion', 'A client may delete its own user'],
];

interface StackProject {
  readonly id: string;
  readonly display_name: string;
  readonly config: Settings;
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
  const [settings, setSettings] = useState<Settings>(project.config);
  const action = useAction();
  const changed = name !== project.display_name || SETTINGS.some(([setting]) => settings[setting] !== project.config[setting]);
  const submit = (event: Event) => {
    event.preventDefault();
    const body = { ...(name !== project.display_name ? { display_name: name } : {}), config: settings };
    void action.run(() => api('PATCH', `/stack-projects/${project.id}`, body), 'Saved').then((ok) => ok && onDone());
  };
  return (
    <Section title={project.display_name}>
      <p class="muted">
        <code>{project.id}</code> · created {formatTime(project.created_at)}
      </p>
      <form class="settings" onSubmit={submit}>
        <label for={`name-${project.id}`}>Display name</label>
        <input id={`name-${project.id}`} required value={name} onInput={(event) => setName(event.currentTarget.value)} />
        <fieldset>
          <legend>Settings</legend>
          {SETTINGS.map(([setting, description]) => (
            <label class="check">
              <input type="checkbox" checked={settings[setting]} onChange={(event) => setSettings({ ...settings, [setting]: event.currentTarget.checked })} />{' '}
              {description}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={action.busy || !changed}>
          Save {project.display_name}
        </button>
      </form>
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
