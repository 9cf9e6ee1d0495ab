import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/context.js';
import type { UrlRoot } from './render.js';
import { urlRoot } from './request-context.js';

/** What every route group gets: the core and the dialect's prefix (for absolute URLs). */
export interface CvatRoutes {
  readonly core: Core;
  readonly prefix: string;
  readonly root: (request: FastifyRequest) => UrlRoot;
}

export function cvatRoutes(core: Core, prefix: string): CvatRoutes {
  return { core, prefix, root: (request) => urlRoot(request, prefix) };
}

export type RouteGroup = (app: FastifyInstance, routes: CvatRoutes) => void;

/** 204 with no body, as DRF's destroy answers. */
export const noContent = (reply: FastifyReply): FastifyReply => reply.code(204).send();
