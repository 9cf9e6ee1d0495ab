import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Civitai's CORS (endpoint-helpers.ts `addCorsHeaders`). Public endpoints allow any origin
 * without credentials. Authenticated ones allow credentials, so they must name one origin: the
 * request's when it is on the allowlist, else the first allowlisted one (the browser then
 * refuses the response). Civitai matches an allowlisted origin as a prefix of the request's;
 * Roster compares whole origins, since a prefix also admits `https://civitai.com.evil.example`.
 */

/** The methods each endpoint answers (`Access-Control-Allow-Methods`). */
const ALLOWED_METHODS = 'GET';

/** `Access-Control-Request-Headers`: a comma list of header names (RFC 9110 tokens). */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

export function publicCors(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-headers', '*');
  reply.header('access-control-allow-methods', ALLOWED_METHODS);
}

export function credentialedCors(request: FastifyRequest, reply: FastifyReply, allowlist: readonly string[]): void {
  reply.header('vary', 'Origin, Access-Control-Request-Headers');
  const origin = request.headers.origin;
  const allowed = typeof origin === 'string' && allowlist.includes(origin.toLowerCase()) ? origin.toLowerCase() : allowlist[0];
  if (allowed !== undefined) {
    reply.header('access-control-allow-origin', allowed);
    reply.header('access-control-allow-credentials', 'true');
  }
  // With credentials a `*` is not a wildcard (Fetch standard), and `Authorization` is never
  // covered by one: a preflight gets back the headers it asked for.
  const requested = request.headers['access-control-request-headers'];
  reply.header('access-control-allow-headers', typeof requested === 'string' && HEADER_LIST.test(requested.trim()) ? requested.trim() : 'Authorization');
  reply.header('access-control-allow-methods', ALLOWED_METHODS);
}
