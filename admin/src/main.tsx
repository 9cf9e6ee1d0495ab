import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from './api.js';
import { AuditPage } from './pages/audit.js';
import { DashboardPage } from './pages/dashboard.js';
import { ImportExportPage } from './pages/import-export.js';
import { OrganizationPage, OrganizationsPage } from './pages/organizations.js';
import { SignInPage } from './pages/sign-in.js';
import { StackProjectsPage } from './pages/stack-projects.js';
import { UserPage } from './pages/user.js';
import { UsersPage } from './pages/users.js';
import { mayGlobally } from './policy.js';
import { href, useRoute } from './router.js';
import type { ApiUser, SessionState } from './types.js';
import { ErrorNote, Loading } from './ui.js';

function Nav({ viewer, onSignOut }: { viewer: ApiUser; onSignOut: () => void }) {
  const links: [string, string, boolean][] = [
    ['Dashboard', href(), mayGlobally(viewer, 'stats.view')],
    ['Users', href('users'), true],
    ['Organizations', href('organizations'), true],
    ['Stack projects', href('stack-projects'), mayGlobally(viewer, 'stack_project.manage')],
    ['Audit log', href('audit'), mayGlobally(viewer, 'audit.view')],
    ['Import / export', href('import-export'), mayGlobally(viewer, 'data.transfer')],
  ];
  return (
    <header class="top">
      <a class="brand" href={href()}>
        Roster admin
      </a>
      <nav aria-label="Console">
        <ul>
          {links
            .filter(([, , shown]) => shown)
            .map(([title, to]) => (
              <li>
                <a href={to}>{title}</a>
              </li>
            ))}
        </ul>
      </nav>
      <div class="who">
        <span>
          {viewer.name} ({viewer.level_name})
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Page({ viewer, route }: { viewer: ApiUser; route: string[] }) {
  const [section, id] = route;
  switch (section) {
    case undefined:
      return <DashboardPage viewer={viewer} />;
    case 'users':
      return id === undefined ? <UsersPage viewer={viewer} /> : <UserPage viewer={viewer} id={id} />;
    case 'organizations':
      return id === undefined ? <OrganizationsPage viewer={viewer} /> : <OrganizationPage viewer={viewer} id={id} />;
    case 'stack-projects':
      return <StackProjectsPage />;
    case 'audit':
      return <AuditPage />;
    case 'import-export':
      return <ImportExportPage />;
    default:
      return <p role="alert">No such page.</p>;
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionState | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const adopt = (state: SessionState | null) => {
    setCsrfToken(state?.csrf_token ?? null);
    setSession(state);
  };

  useEffect(() => {
    api<SessionState>('GET', '/sessions/current').then(
      (state) => {
        adopt(state);
        setChecking(false);
      },
      (caught: unknown) => {
        if (!(caught instanceof ApiError && caught.status === 401)) setError(caught);
        setChecking(false);
      },
    );
  }, []);

  useEffect(() => {
    document.title = `${route[0] ?? 'dashboard'} · Roster admin`;
  }, [route]);

  const signOut = async () => {
    try {
      await api('DELETE', '/sessions/current');
    } finally {
      adopt(null);
    }
  };

  if (checking) return <Loading what="the console" />;
  if (session === null)
    return (
      <main id="main">
        <ErrorNote error={error} />
        <SignInPage onSignedIn={adopt} />
      </main>
    );
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <Nav viewer={session.user} onSignOut={() => void signOut()} />
      <main id="main" tabIndex={-1}>
        <Page viewer={session.user} route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
