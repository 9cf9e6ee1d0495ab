import type { FastifyInstance } from 'fastify';
import type { DialectName } from '../config.js';
import type { Core } from '../core/context.js';
import type { ErrorRenderer } from './error-handler.js';

/** Every API Roster mounts: the five dialects and its own native API. */
export type MountName = DialectName | 'native';

export interface DialectOptions {
  readonly core: Core;
}

/**
 * One mounted API. Its plugin is registered encapsulated under `prefix` (or at the root of a
 * dialect port), so its error handler, 404, parsers and hooks reach only its own routes.
 */
export interface Dialect {
  readonly name: MountName;
  /** Where it lives on the main port: `/v1`, `/danbooru`, … */
  readonly prefix: string;
  readonly plugin: (app: FastifyInstance, options: DialectOptions) => Promise<void>;
  /** Renders errors raised before routing (an undecodable URL, an over-long parameter). */
  readonly renderError: ErrorRenderer;
}

export function defineDialect(dialect: Dialect): Dialect {
  return Object.freeze(dialect);
}
