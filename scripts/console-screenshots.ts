/**
 * Takes the README's pictures of the admin console (docs/screenshots/*.png) from a real server
 * over 10,000 seeded users: `node --import tsx scripts/console-screenshots.ts`.
 */
import { mkdirSync } from 'node:fs';
import { openPage, signIn, startConsole } from '../test/admin/harness.js';

const OUT = 'docs/screenshots';

const target = await startConsole();
try {
  mkdirSync(OUT, { recursive: true });
  // A few failed sign-ins, so that the failures chart has something to draw.
  for (const login of ['console_member', 'console_member', 'nobody_here', 'console_target', 'nobody_here']) {
    await fetch(`${target.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password: 'wrong-password-123' }),
    });
  }
  const { page } = await openPage(target, 1280);
  await signIn(page, target.url, 'console_admin');
  await page.locator('figure.chart canvas').nth(3).waitFor();
  await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });
  await page.goto(`${target.url}/admin/#/users`);
  await page.getByRole('status').filter({ hasText: 'users match' }).waitFor();
  await page.screenshot({ path: `${OUT}/users.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${OUT}/users-phone.png` });
  console.log(`wrote ${OUT}/dashboard.png, ${OUT}/users.png, ${OUT}/users-phone.png`);
} finally {
  await target.close();
}
