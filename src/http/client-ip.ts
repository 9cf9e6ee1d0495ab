import type { FastifyRequest } from 'fastify';
import { unmapIpv4 } from '../core/auth/ip-ranges.js';

/**
 * The address the request came from, as the core records it: the socket's peer, or, when that
 * peer is one of the proxies in `ROSTER_TRUST_PROXY`, the client its `X-Forwarded-For` names
 * (Fastify's `trustProxy`). Anyone else's forwarded-for header is ignored, so it cannot be used
 * to dodge per-address rules.
 */
export function clientIp(request: Pick<FastifyRequest, 'ip'>): string | null {
  const ip = request.ip;
  if (typeof ip !== 'string' || ip === '') return null;
  // Dual-stack sockets report IPv4 peers as `::ffff:a.b.c.d`; key scopes and logs want `a.b.c.d`.
  return unmapIpv4(ip);
}
