import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/**
 * The origin (and path prefix) a client reaches Roster at, for `Location` headers and absolute
 * URLs: `ROSTER_BASE_URL` when set, so that a forged `Host` header cannot steer redirects;
 * otherwise the request's own scheme and host.
 */
export function publicOrigin(config: Pick<Config, 'baseUrl'>, request: Pick<FastifyRequest, 'protocol' | 'host'>): string {
  return config.baseUrl ?? `${request.protocol}://${request.host}`;
}
