import type { FastifyRequest } from 'fastify';

/**
 * The address the request came from, as the core records it. `trustProxy` is off, so this is
 * the socket's peer: a forwarded-for header cannot be used to dodge per-IP rules.
 */
export function clientIp(request: Pick<FastifyRequest, 'ip'>): string | null {
  const ip = request.ip;
  if (typeof ip !== 'string' || ip === '') return null;
  // Dual-stack sockets report IPv4 peers as `::ffff:a.b.c.d`; key scopes and logs want `a.b.c.d`.
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
