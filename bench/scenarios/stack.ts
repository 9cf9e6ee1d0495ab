import type { ScenarioSource } from './scenario.js';

/**
 * Stack Auth: `/users/me` with a signed-in user's access token (a JWT check and a session
 * lookup per request), and a server-side page of the user list from an inclusive cursor.
 */
export const stackScenarios: ScenarioSource = async ({ roster, baseUrl }) => {
  const project = JSON.parse(roster(['stack', 'projects', 'create', '--name', 'bench'])) as {
    project_id: string;
    publishable_client_key: string;
    secret_server_key: string;
  };
  const client = {
    'x-stack-project-id': project.project_id,
    'x-stack-access-type': 'client',
    'x-stack-publishable-client-key': project.publishable_client_key,
  };
  const server = { 'x-stack-project-id': project.project_id, 'x-stack-access-type': 'server', 'x-stack-secret-server-key': project.secret_server_key };
  const signUp = await fetch(`${baseUrl}/stack/api/v1/auth/password/sign-up`, {
    method: 'POST',
    headers: { ...client, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'bench password 1' }),
  });
  if (!signUp.ok) throw new Error(`stack bench sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const { access_token: accessToken } = (await signUp.json()) as { access_token: string };
  const firstPage = await fetch(`${baseUrl}/stack/api/v1/users?limit=20`, { headers: server });
  if (!firstPage.ok) throw new Error(`stack bench user list failed: ${firstPage.status} ${await firstPage.text()}`);
  const { pagination } = (await firstPage.json()) as { pagination: { next_cursor: string | null } };
  const cursor = pagination.next_cursor === null ? '' : `&cursor=${pagination.next_cursor}`;
  return [
    { name: 'stack /users/me (access token)', path: '/stack/api/v1/users/me', headers: { ...client, 'x-stack-access-token': accessToken } },
    { name: 'stack /users?limit=20&cursor (server)', path: `/stack/api/v1/users?limit=20${cursor}`, headers: server, indexOrder: true },
  ];
};
