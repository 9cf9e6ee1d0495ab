import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN_CSP } from '../../src/http/admin-console.js';
import { apiAs, openPage, SEEDED_USERS, seriousViolations, signIn, startConsole, type Console } from './harness.js';

let target: Console;

before(async () => {
  target = await startConsole();
});

after(async () => {
  await target?.close();
});

async function expectAccessible(page: Page, what: string): Promise<void> {
  assert.deepEqual(await seriousViolations(page), [], `axe-core on ${what}`);
}

/** Submits the users search (by the button, or by Enter in the box) and waits until its answer is on the page. */
async function search(page: Page, by: 'button' | 'keyboard' = 'button'): Promise<void> {
  const submit = by === 'button' ? page.getByRole('button', { name: 'Search' }).click() : page.getByLabel('Search users').press('Enter');
  await Promise.all([page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/users'), submit]);
  await page.getByText('Searching…').waitFor({ state: 'hidden' });
}

/** The audit entries about a user, newest first, as the API shows them. */
async function auditActions(userId: number): Promise<string[]> {
  const api = await apiAs(target.url, 'console_admin');
  const { body } = await api('GET', `/audit-log?target_user_id=${userId}`);
  return body.items.map((entry: { action: string }) => entry.action);
}

test('/admin serves the built page with a strict Content-Security-Policy and no inline script or style', async () => {
  const response = await fetch(`${target.url}/admin/`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-security-policy'), ADMIN_CSP);
  assert.match(ADMIN_CSP, /default-src 'self'/);
  assert.doesNotMatch(ADMIN_CSP, /unsafe-inline|unsafe-eval/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script is a file');
  assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
  const redirect = await fetch(`${target.url}/admin`, { redirect: 'manual' });
  assert.equal(redirect.headers.get('location'), '/admin/');
  const missing = await fetch(`${target.url}/admin/assets/none.js`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
});

test('a member cannot sign in to the console', async () => {
  const { page } = await openPage(target);
  await page.goto(`${target.url}/admin/`);
  await page.getByRole('heading', { name: 'Roster admin console' }).waitFor();
  await expectAccessible(page, 'the sign-in page');
  await signIn(page, target.url, 'console_member');
  await page.getByRole('alert').waitFor();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /./);
  assert.equal(await page.getByRole('navigation', { name: 'Console' }).count(), 0);
  await page.context().close();
});

test('an admin signs in, sees the dashboard charts, and every page passes axe-core', async () => {
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.locator('figure.chart canvas').nth(3).waitFor();
  assert.equal(await page.locator('figure.chart').count(), 4);
  await expectAccessible(page, 'the dashboard');
  const pages: [string, string][] = [
    ['users', 'Users'],
    [`users/${target.staff.target}`, 'console_target'],
    ['organizations', 'Organizations'],
    ['stack-projects', 'Stack projects'],
    ['audit', 'Audit log'],
    ['import-export', 'Import and export'],
  ];
  for (const [path, heading] of pages) {
    await page.goto(`${target.url}/admin/#/${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('alert').count(), 0, `no section of ${path} fails`);
    await expectAccessible(page, path);
  }
  // A reload keeps the session (the cookie), and the phone-width layout is as accessible.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${target.url}/admin/#/users`);
  await page
    .getByRole('link', { name: /./ })
    .filter({ hasText: /^[a-z0-9_]+$/i })
    .first()
    .waitFor();
  await expectAccessible(page, 'users at phone width');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('users: search 10,000 seeded users by name prefix and by substring', async () => {
  const api = await apiAs(target.url, 'console_admin');
  const { body } = await api('GET', '/users?limit=1&sort=id&offset=5000');
  const name: string = body.items[0].name;
  const { page } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('link', { name: 'Users' }).click();

  const prefix = name.slice(0, 4);
  await page.getByLabel('Search users').fill(prefix);
  await page.getByLabel('Match').selectOption('prefix');
  await search(page);
  const prefixNames = await page.locator('table.users tbody td[data-label="Name"]').allTextContents();
  assert.ok(prefixNames.length > 0);
  for (const found of prefixNames) assert.ok(found.toLowerCase().startsWith(prefix.toLowerCase()), `${found} starts with ${prefix}`);

  const middle = name.slice(2, 6);
  await page.getByLabel('Search users').fill(middle);
  await page.getByLabel('Match').selectOption('contains');
  await search(page, 'keyboard');
  const containing = await page.locator('table.users tbody td[data-label="Name"]').allTextContents();
  assert.ok(containing.length > 0);
  for (const found of containing) assert.ok(found.toLowerCase().includes(middle.toLowerCase()), `${found} contains ${middle}`);

  // Email (admins) and the banned filter.
  await page.getByLabel('Search users').fill('console_target@example');
  await page.getByLabel('Match').selectOption('email');
  await search(page);
  await page.getByRole('status').filter({ hasText: '1 user matches' }).waitFor();
  assert.deepEqual(await page.locator('table.users tbody td[data-label="Name"]').allTextContents(), ['console_target']);
  await page.getByLabel('Search users').fill('');
  await page.getByLabel('Banned').selectOption('yes');
  await search(page);
  const statuses = await page.locator('table.users tbody td[data-label="Status"]').allTextContents();
  assert.ok(statuses.length > 0, 'the seed bans a few users');
  for (const status of statuses) assert.match(status, /banned/);
  await page.getByLabel('Banned').selectOption('');
  await page.getByLabel('Match').selectOption('prefix');

  // Keyset paging: the next page holds other users.
  await page.getByLabel('Search users').fill('');
  await search(page);
  const first = await page.locator('table.users tbody td[data-label="ID"]').allTextContents();
  await Promise.all([page.waitForResponse((response) => response.url().includes('cursor=')), page.getByRole('button', { name: 'Next page' }).click()]);
  await page.getByText('Searching…').waitFor({ state: 'hidden' });
  const second = await page.locator('table.users tbody td[data-label="ID"]').allTextContents();
  assert.equal(second.length, 25);
  assert.ok(Number(second[0]) < Number(first.at(-1)), 'newest first, the next page continues below');
  await page.context().close();
});

test('an admin changes a level, bans and lifts, and edits metadata; the API shows each change, audited', async () => {
  const id = target.staff.target;
  const api = await apiAs(target.url, 'console_admin');
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${target.url}/admin/#/users/${id}`);
  await page.getByRole('heading', { name: 'console_target', level: 1 }).waitFor();

  await page.getByLabel(/New level/).selectOption({ label: 'Gold' });
  await page.getByRole('button', { name: 'Change level' }).click();
  await page.getByText('Level set to Gold').waitFor();
  assert.equal((await api('GET', `/users/${id}`)).body.level_name, 'Gold');

  await page.getByLabel('Ban reason').fill('spam in the forum');
  await page.getByLabel('Ban duration').selectOption('3d');
  await page.getByRole('button', { name: 'Ban console_target' }).click();
  await page.getByRole('button', { name: 'Lift ban' }).waitFor();
  const banned = (await api('GET', `/users/${id}`)).body;
  assert.equal(banned.is_banned, true);
  assert.equal(banned.ban.reason, 'spam in the forum');
  await page.getByRole('button', { name: 'Lift ban' }).click();
  await page.getByRole('button', { name: 'Ban console_target' }).waitFor();
  assert.equal((await api('GET', `/users/${id}`)).body.is_banned, false);

  const editor = page.getByLabel('Server metadata', { exact: true });
  await editor.fill('{"plan": ');
  await page.getByText(/Not saved/).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save server metadata' }).isDisabled(), true);
  await editor.fill('{"plan": "pro", "seats": 3}');
  await page.getByRole('button', { name: 'Save server metadata' }).click();
  await page.getByText('server metadata saved').waitFor();
  assert.deepEqual((await api('GET', `/users/${id}`)).body.server_metadata, { plan: 'pro', seats: 3 });

  const actions = await auditActions(id);
  for (const action of ['user.set_level', 'user.ban', 'user.unban', 'user.update'])
    assert.ok(actions.includes(action), `${action} audited: ${actions.join(', ')}`);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('an admin renames and restricts a seeded user; the API shows both, audited', async () => {
  const api = await apiAs(target.url, 'console_admin');
  const seeded = (await api('GET', '/users?level=20&is_banned=false&is_deleted=false&limit=1&sort=id')).body.items[0];
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${target.url}/admin/#/users/${seeded.id}`);
  await page.getByRole('heading', { name: seeded.name, level: 1 }).waitFor();

  await page.getByLabel('New name').fill('renamed_by_console');
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('heading', { name: 'renamed_by_console', level: 1 }).waitFor();
  assert.equal((await api('GET', `/users/${seeded.id}`)).body.name, 'renamed_by_console');

  await page.getByLabel(/Restriction reason/).fill('verify your email');
  await page.getByLabel(/Private details/).fill('bounced twice');
  await page.getByRole('button', { name: 'Restrict' }).click();
  await page.getByRole('button', { name: 'Lift restriction' }).waitFor();
  const restricted = (await api('GET', `/users/${seeded.id}`)).body;
  assert.equal(restricted.restricted_by_admin, true);
  assert.equal(restricted.restricted_by_admin_private_details, 'bounced twice');

  const actions = await auditActions(seeded.id);
  for (const action of ['user.rename', 'user.restrict']) assert.ok(actions.includes(action), `${action} audited: ${actions.join(', ')}`);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("an admin revokes a member's API key from the console; the API no longer lists it, and the revocation is audited", async () => {
  const admin = await apiAs(target.url, 'console_admin');
  const member = await apiAs(target.url, 'console_member');
  const memberId = target.staff.member;
  const created = await member('POST', `/users/${memberId}/api-keys`, { name: 'deploy-bot' });
  assert.equal(created.status, 201);
  const { page } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${target.url}/admin/#/users/${memberId}`);
  const revoke = page.getByRole('button', { name: 'Revoke key deploy-bot' });
  await revoke.click();
  // The list reloads without the key.
  await revoke.waitFor({ state: 'detached' });
  const keys = (await member('GET', `/users/${memberId}/api-keys`)).body.items;
  assert.equal(
    keys.some((key: { id: number }) => key.id === created.body.api_key.id),
    false,
  );
  const audit = (await admin('GET', `/audit-log?target_user_id=${memberId}&action=api_key.revoke`)).body.items;
  assert.ok(
    audit.some((entry: { actor_id: number }) => entry.actor_id === target.staff.admin),
    'audited with the admin as actor',
  );
  await page.context().close();
});

test('an admin creates a Stack project: its keys are shown once, and its settings change', async () => {
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('link', { name: 'Stack projects' }).click();
  await page.getByLabel('Display name').first().fill('Shop');
  await page.getByRole('button', { name: 'Create project' }).click();
  const keys = page.getByRole('region', { name: 'New keys' });
  await keys.waitFor();
  const shown = await keys.locator('code').allTextContents();
  assert.equal(shown.length, 3);
  const api = await apiAs(target.url, 'console_admin');
  const listed = (await api('GET', '/stack-projects')).body.items;
  const project = listed.find((item: { display_name: string }) => item.display_name === 'Shop');
  assert.ok(project);
  for (const key of shown) assert.equal(JSON.stringify(listed).includes(key), false, 'a key is never listed again');
  await expectAccessible(page, 'stack projects with new keys');

  const card = page.getByRole('region', { name: 'Shop' });
  const setting = card.getByLabel('Users without a verified email are restricted');
  const before: boolean = project.config.require_email_verification;
  await setting.setChecked(!before);
  await card.getByRole('button', { name: 'Save Shop' }).click();
  await card.getByText('Saved').waitFor();
  const after = (await api('GET', '/stack-projects')).body.items.find((item: { id: string }) => item.id === project.id);
  assert.equal(after.config.require_email_verification, !before);
  await page.reload();
  await page.getByRole('heading', { name: 'Shop' }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'New keys' }).count(), 0, 'shown once: gone after a reload');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('an admin invites to an organization and changes a member role; the API shows both', async () => {
  const api = await apiAs(target.url, 'console_admin');
  const org = await api('POST', '/organizations', { slug: 'console-guild', name: 'Console Guild', owner_id: target.staff.member });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('link', { name: 'Organizations' }).click();
  await page.getByRole('link', { name: 'Console Guild' }).click();
  await page.getByRole('heading', { name: 'Console Guild', level: 1 }).waitFor();
  await page.getByLabel('Invite by email').fill('console_target@example.test');
  await page.getByLabel('Role', { exact: true }).selectOption('worker');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText('Invited console_target@example.test').waitFor();
  const invitations = (await api('GET', `/organizations/${org.body.id}/invitations`)).body.items;
  assert.equal(invitations.length, 1);
  assert.equal(invitations[0].user_id, target.staff.target);

  const invitee = await apiAs(target.url, 'console_target');
  assert.equal((await invitee('POST', `/invitations/${invitations[0].key}/accept`)).status, 200);
  await page.reload();
  await page.getByLabel(`Role of user #${target.staff.target}`).selectOption('supervisor');
  await page.getByRole('button', { name: `Save role for #${target.staff.target}` }).click();
  await page.getByText('Role changed').waitFor();
  const members = (await api('GET', `/organizations/${org.body.id}/memberships`)).body.items;
  assert.equal(members.find((member: { user_id: number }) => member.user_id === target.staff.target).role, 'supervisor');
  await expectAccessible(page, 'an organization');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('an admin exports every user and imports JSON Lines, with a progress bar and the refused lines', async () => {
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('link', { name: 'Import / export' }).click();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download every user/ }).click()]);
  const exported = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  assert.ok(exported.length >= SEEDED_USERS, `${exported.length} lines`);
  assert.doesNotMatch(exported.join('\n'), /password_hash/);

  const dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
  const file = join(dir, 'users.jsonl');
  writeFileSync(file, ['{"name":"imported_one"}', '{"name":"imported_two","level":30}', '{"name":""}'].join('\n') + '\n');
  await page.getByLabel('JSON Lines file').setInputFiles(file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/Import done: 3 of 3 lines, 2 imported, 1 refused/).waitFor();
  assert.equal(await page.locator('#import-progress').getAttribute('value'), '3');
  await page
    .getByRole('list', { name: 'Refused lines' })
    .getByText(/^Line 3/)
    .waitFor();
  await expectAccessible(page, 'import and export after an import');

  const api = await apiAs(target.url, 'console_admin');
  const found = (await api('GET', '/users?name_prefix=imported_&sort=name')).body.items.map((user: { name: string; level_name: string }) => [
    user.name,
    user.level_name,
  ]);
  assert.deepEqual(found, [
    ['imported_one', 'Member'],
    ['imported_two', 'Gold'],
  ]);
  assert.deepEqual(problems, []);
  await page.context().close();
  rmSync(dir, { recursive: true, force: true });
});

test('a moderator signs in and is offered only what a moderator may do', async () => {
  const { page, problems } = await openPage(target);
  await signIn(page, target.url, 'console_moderator');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Console' });
  assert.equal(await nav.getByRole('link', { name: 'Audit log' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Import / export' }).count(), 0);
  await page.goto(`${target.url}/admin/#/users/${target.staff.member}`);
  await page.getByRole('heading', { name: 'console_member', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Ban console_member' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Change level' }).count(), 0, 'moderators set no level');
  assert.equal(await page.getByRole('button', { name: /^Save .*metadata/ }).count(), 0, 'moderators edit no metadata');
  assert.equal(await page.getByRole('button', { name: 'Delete user' }).count(), 0, 'only owners delete');
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByRole('alert').count(), 0, 'no section asks for what a moderator may not read');
  assert.equal(await page.getByRole('heading', { name: 'Subscriptions' }).count(), 0);
  await expectAccessible(page, "a user's page, seen by a moderator");
  // Nothing about an admin: a moderator does not outrank them.
  await page.goto(`${target.url}/admin/#/users/${target.staff.admin}`);
  await page.getByRole('heading', { name: 'console_admin', level: 1 }).waitFor();
  await page.getByText('Your level allows no action on this user.').waitFor();
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a write without the CSRF token is refused, though the session cookie is sent; signing out ends the session', async () => {
  const { page } = await openPage(target);
  await signIn(page, target.url, 'console_admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const id = target.staff.member;
  const answer = await page.evaluate(async (userId) => {
    const response = await fetch(`/v1/users/${userId}/level`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'Gold' }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }, id);
  assert.equal(answer.status, 403);
  assert.equal((answer.body as { error: { code: string } }).error.code, 'csrf_failed');
  const api = await apiAs(target.url, 'console_admin');
  assert.equal((await api('GET', `/users/${id}`)).body.level_name, 'Member');

  // Signing out ends the cookie session: the page is back at sign-in and the API refuses it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/v1/sessions/current')).status), 401);
  await page.context().close();
});
