import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../core/errors.js';

/** Where `vite build --config admin/vite.config.ts` writes the console (from src/http or dist/http alike). */
export const ADMIN_CONSOLE_DIR = fileURLToPath(new URL('../../dist/admin/', import.meta.url));

export const ADMIN_PREFIX = '/admin';

/**
 * The console's page runs only its own files: no inline script or style, no other origin, no
 * framing. The API it calls is on the same origin (`connect-src 'self'`).
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** Every built file by URL path, read once: only these paths are served, so no path can escape the folder. */
function readAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const url = `${ADMIN_PREFIX}/${relative(root, path).split(sep).join('/')}`;
        assets.set(url, { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream' });
      }
    }
  };
  walk(root);
  return assets;
}

function send(reply: FastifyReply, asset: Asset, immutable: boolean): FastifyReply {
  return reply
    .header('content-type', asset.type)
    .header('content-security-policy', ADMIN_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .send(asset.body);
}

/**
 * Serves the admin console (a built single-page app) at `/admin/`. It talks to the native API
 * only. Without a build (`npm run build`) `/admin` answers 404 saying so.
 */
export function registerAdminConsole(app: FastifyInstance, root: string = ADMIN_CONSOLE_DIR): void {
  const assets = existsSync(join(root, 'index.html')) ? readAssets(root) : new Map<string, Asset>();
  const index = assets.get(`${ADMIN_PREFIX}/index.html`);
  app.get(ADMIN_PREFIX, async (_request, reply) => reply.redirect(`${ADMIN_PREFIX}/`, 301));
  app.get(`${ADMIN_PREFIX}/*`, async (request, reply) => {
    if (!index) throw notFound('admin_console', 'The admin console is not built: run npm run build');
    const path = request.url.split('?')[0] ?? '';
    if (path === `${ADMIN_PREFIX}/`) return send(reply, index, false);
    const asset = assets.get(path);
    if (!asset) throw notFound('admin_console', 'No such file in the admin console');
    // Vite names built assets by content hash, so they never change under their name.
    return send(reply, asset, path.startsWith(`${ADMIN_PREFIX}/assets/`));
  });
}
