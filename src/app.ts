import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { IsOptional, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchemaCompiler } from 'fastify';
import qs from 'qs';
import type { Core } from './core/context.js';
import { notFound } from './core/errors.js';
import { civitaiDialect } from './dialects/civitai/index.js';
import { cvatDialect } from './dialects/cvat/index.js';
import { danbooruDialect } from './dialects/danbooru/index.js';
import { e621Dialect } from './dialects/e621/index.js';
import { nativeDialect } from './dialects/native/index.js';
import { stackDialect } from './dialects/stack/index.js';
import { registerAdminConsole } from './http/admin-console.js';
import { decorateViewer } from './http/credentials.js';
import type { Dialect, MountName } from './http/dialect.js';
import { classifyError, respond, sendRendered, type HttpFailure } from './http/error-handler.js';
import { registerHealth, registerMetricsRoute, type Lifecycle } from './http/health.js';
import { deferredChildLogger, loggerOptions } from './http/logger.js';
import { metricsFor } from './http/metrics.js';
import { installRequestLog, requestIdOptions } from './http/request-log.js';
import { refuseNulCharacters } from './http/nul-guard.js';

/** Every API Roster serves. A new dialect is one line here (and its folder). */
export const DIALECTS: readonly Dialect[] = [nativeDialect, danbooruDialect, e621Dialect, cvatDialect, civitaiDialect, stackDialect];

export const BODY_LIMIT = 2 * 1024 * 1024;

/**
 * Query strings and form bodies alike: Rails/PHP-style brackets (`search[name]=x`, `ids[]=1`),
 * bounded in depth and size, and no key can reach `Object.prototype`.
 */
export function parseQueryString(text: string): Record<string, unknown> {
  return qs.parse(text, { depth: 12, arrayLimit: 1000, parameterLimit: 2000, allowPrototypes: false });
}

/**
 * TypeBox validation (querystrings and params converted, bodies strict), where a body schema
 * marked `Type.Optional` also accepts no body at all (`DELETE` with an optional confirmation).
 */
const validatorCompiler: FastifySchemaCompiler<Parameters<typeof TypeBoxValidatorCompiler>[0]['schema']> = (route) => {
  const validate = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'body' || !IsOptional(route.schema)) return validate;
  // Fastify hands a missing body over as null.
  return (value) => (value === undefined || value === null ? { value: undefined } : validate(value));
};

export interface BuildAppOptions {
  /** Serve only this API, at the root (a `ROSTER_DIALECT_PORTS` listener). */
  readonly only?: MountName;
  /** Shared by every listener of a server; `draining` turns `/readyz` to 503 during shutdown. */
  readonly lifecycle?: Lifecycle;
  /** Where log lines go (standard output by default); tests read them here. */
  readonly logStream?: { write(line: string): void };
  /** The built admin console (default dist/admin); tests point it elsewhere. */
  readonly adminConsoleDir?: string;
}

/** The dialects to mount, with the prefix each gets. */
function mounts(only: MountName | undefined): { dialect: Dialect; prefix: string }[] {
  if (only === undefined) return DIALECTS.map((dialect) => ({ dialect, prefix: dialect.prefix }));
  const dialect = DIALECTS.find((d) => d.name === only);
  if (!dialect) throw new Error(`no dialect named ${only} is mounted`);
  return [{ dialect, prefix: '' }];
}

const renderFailure = (dialect: Dialect, failure: HttpFailure) => respond(failure, dialect.renderError(failure));

function dialectFor(url: string, mounted: readonly { dialect: Dialect; prefix: string }[]): Dialect {
  const path = url.split('?')[0] ?? '';
  const match = mounted.find(({ prefix }) => prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`)));
  return (match ?? mounted.find(({ prefix }) => prefix === '') ?? { dialect: nativeDialect }).dialect;
}

/** OpenAPI for the native API at `/docs/json`, browsable at `/docs`. Registered on the root so it sees every route. */
function registerDocs(app: FastifyInstance, nativePrefix: string): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Roster native API', description: 'The users service behind every dialect.', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // The admin console's session (`POST /v1/sessions` with `cookie: true`); writes also need `X-CSRF-Token`.
          cookie: { type: 'apiKey', in: 'cookie', name: 'roster_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    // Only the native API is described here; dialects follow their own systems' documents.
    transform: ({ schema, url }) => ({
      schema: url === nativePrefix || url.startsWith(`${nativePrefix}/`) ? schema : { ...schema, hide: true },
      url,
    }),
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
}

/**
 * Builds the HTTP application over a core: the native API at `/v1` and each dialect at
 * `/<name>`, or, with `only`, that one API at the root.
 */
export function buildApp(core: Core, options: BuildAppOptions = {}): FastifyInstance {
  const mounted = mounts(options.only);
  const app = Fastify({
    logger: { ...loggerOptions(core.config.logLevel, core.config.logFormat), ...(options.logStream ? { stream: options.logStream } : {}) },
    // installRequestLog writes one line per request (when ROSTER_ACCESS_LOG asks) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
    ...requestIdOptions(),
    bodyLimit: BODY_LIMIT,
    // proxy-addr walks X-Forwarded-For from the right, stopping at the first untrusted hop.
    trustProxy: core.config.trustProxy.length > 0 ? [...core.config.trustProxy] : false,
    requestTimeout: 60_000,
    routerOptions: { querystringParser: parseQueryString },
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      void sendRendered(reply, renderFailure(dialectFor(request.url, mounted), classifyError(error)));
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  const metrics = metricsFor(core);
  installRequestLog(app, metrics, (url) => dialectFor(url, mounted).name, { accessLog: core.config.accessLog });
  registerHealth(app, core, options.lifecycle ?? { draining: false });
  if (options.only === undefined) registerMetricsRoute(app, metrics, core.config.metrics);
  decorateViewer(app);
  refuseNulCharacters(app);
  void app.register(formbody, { bodyLimit: BODY_LIMIT, parser: parseQueryString });
  const native = mounted.find(({ dialect }) => dialect.name === 'native');
  if (native) registerDocs(app, native.prefix);
  // The console runs on the native API, so it is served where that API is, on the main listener.
  if (native && options.only === undefined) registerAdminConsole(app, options.adminConsoleDir);
  if (!mounted.some(({ prefix }) => prefix === '')) {
    app.setNotFoundHandler((_request, reply) =>
      sendRendered(reply, nativeDialect.renderError({ kind: 'core', error: notFound('route', 'No route matches this path') })),
    );
  }
  // Routes outside every dialect (docs, health, metrics) fail in the shape of the API at that URL.
  app.setErrorHandler((error: unknown, request, reply) => {
    const failure = classifyError(error);
    if (failure.kind === 'internal') request.log.error({ err: { type: error instanceof Error ? error.name : typeof error } }, 'unhandled error');
    return sendRendered(reply, renderFailure(dialectFor(request.url, mounted), failure));
  });
  for (const { dialect, prefix } of mounted) void app.register(dialect.plugin, { prefix, core });
  return app;
}
