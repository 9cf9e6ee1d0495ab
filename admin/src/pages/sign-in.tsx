import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { mayGlobally } from '../policy.js';
import type { SessionState } from '../types.js';
import { ErrorNote } from '../ui.js';

/** Name or email and password; only staff (Moderator and above) get a console session. */
export function SignInPage({ onSignedIn }: { onSignedIn: (state: SessionState) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const state = await api<SessionState>('POST', '/sessions', { login, password, cookie: true });
      // The server refuses non-staff already; this guards a server that would not.
      if (!mayGlobally(state.user, 'console.sign_in')) throw new Error('The console is for moderators and above.');
      onSignedIn(state);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card sign-in" onSubmit={(event) => void submit(event)}>
      <h1>Roster admin console</h1>
      <label for="login">Name or email</label>
      <input id="login" name="login" autocomplete="username" required value={login} onInput={(event) => setLogin(event.currentTarget.value)} />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        value={password}
        onInput={(event) => setPassword(event.currentTarget.value)}
      />
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
