import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { Level } from '../../src/core/access/levels.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { openCore } from '../../src/core/create-core.js';
import { createUser } from '../../src/core/users/user-create.js';
import { seedUsers } from '../../src/ops/seed.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

/** Debian's chromium; `npm test` leaves these tests out when it is absent (scripts/run-tests.sh). */
export const CHROMIUM = '/usr/bin/chromium';
export const browserPresent = (): boolean => existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PASSWORD = 'console-test-password-8c1f';
export const SEEDED_USERS = 10_000;

export interface Staff {
  readonly admin: number;
  readonly moderator: number;
  readonly member: number;
  readonly target: number;
}

export interface Console {
  readonly url: string;
  readonly browser: Browser;
  readonly staff: Staff;
  close(): Promise<void>;
}

/** Builds the console as `npm run build` does, so the tests drive the current source. */
async function buildConsole(): Promise<void> {
  await build({ configFile: 'admin/vite.config.ts', logLevel: 'error' });
}

/** A real Roster server on a temp database with 10,000 seeded users and four known accounts, and chromium. */
export async function startConsole(): Promise<Console> {
  await buildConsole();
  const database: TestDatabase = await createTestDatabase();
  const core = await openCore(testConfig(database.url));
  let staff: Staff;
  try {
    await seedUsers(core, SYSTEM, { users: SEEDED_USERS, randomSeed: 9 });
    const make = async (name: string, level: number) => (await createUser(core, SYSTEM, { name, password: PASSWORD, level, email: `${name}@example.test` })).id;
    staff = {
      admin: await make('console_admin', Level.Admin),
      moderator: await make('console_moderator', Level.Moderator),
      member: await make('console_member', Level.Member),
      target: await make('console_target', Level.Member),
    };
  } finally {
    await core.close();
  }
  const server: RunningServer = await startServer(testConfig(database.url, { PORT: '0', HOST: '127.0.0.1' }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    url: server.urls[0]!,
    browser,
    staff,
    async close() {
      await browser.close();
      await server.close();
      await database.drop();
    },
  };
}

/** A parsed JSON answer, read freely by the tests (as `response.json()` is). */
type JsonBody = ReturnType<typeof JSON.parse>;

/** A bearer session for checking through the API what the console did. */
export async function apiAs(
  url: string,
  login: string,
): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: JsonBody }>> {
  const response = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  const { token } = (await response.json()) as { token: string };
  return async (method, path, body) => {
    const answer = await fetch(`${url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, body: text === '' ? null : JSON.parse(text) };
  };
}

/** A page that records every CSP violation and page error, so a test can say there were none. */
export async function openPage(target: Console, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const context = await target.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[0-9]/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { page, problems };
}

export async function signIn(page: Page, url: string, login: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Name or email').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: { target: unknown }[];
}

/** Serious and critical axe-core findings on the page as it is now (evaluated outside the page's CSP). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // The test's tsconfig has no DOM types: axe.run() checks the whole document.
    const scope = globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } };
    return (await scope.axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${JSON.stringify(violation.nodes.map((node) => node.target))})`);
}
