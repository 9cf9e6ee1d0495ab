import fc from 'fast-check';

/** One route as Fastify registered it, with the parameter names its schemas declare. */
export interface FuzzRoute {
  readonly method: string;
  /** `/v1/users/:id`, `/danbooru/users.:format` */
  readonly url: string;
  readonly names: readonly string[];
  /** The route's JSON schemas, when it declares them: requests are built to nearly fit them. */
  readonly querySchema?: unknown;
  readonly bodySchema?: unknown;
}

/** Credentials the fixture holds, by how they are presented. */
export interface FuzzCredentials {
  /** Header values that authenticate (Bearer and Basic, several levels). */
  readonly valid: readonly string[];
  /** Ids that exist (users, keys, bans…), so that handlers are reached past "not found". */
  readonly ids: readonly string[];
}

/** A request as sent: a raw URL (possibly badly encoded), headers, a raw body. */
export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
}

const HUGE = 'a'.repeat(65_536);

/** Values that have broken parsers and databases elsewhere. */
const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  HUGE,
  'é'.repeat(5_000),
  '0',
  '-1',
  '1.5',
  '1e309',
  '-0',
  '99999999999999999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  'true',
  'false',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  "' or '1'='1",
  '"; drop table users; --',
  '%',
  '%%',
  '*',
  '**',
  '\\',
  '_',
  '..',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u202e\u0635',
  '\ud83d\ude00',
  '\ufeff',
  'ａｄｍｉｎ',
  'İ',
  '1..',
  '..1',
  '1...2',
  '>=',
  '<',
  '1,2,3,',
  ',,,',
  'b1',
  'a0',
  'b99999999999999999999',
  '2024-13-45',
  '1970-01-01T00:00:00Z',
  '-271821-04-20',
  '1 day ago',
  'any',
  'none',
  '(a+)+$',
  '[',
  '{"kind":"and","items":[]}',
  '{"kind":"cmp","field":"level","op":"gte","value":"x"}',
  '{"kind":"not","item":{"kind":"not","item":{"kind":"not"}}}',
  `${'['.repeat(2_000)}`,
  JSON.stringify(JSON.parse(`${'{"kind":"not","item":'.repeat(200)}null${'}'.repeat(200)}`)),
];

/** Percent sequences that are not valid UTF-8 or not valid escapes, sent as they are. */
const BAD_ENCODINGS: readonly string[] = ['%', '%2', '%G0', '%zz', '%FF', '%C3%28', '%ED%A0%80', '%F4%90%80%80', '%C0%AF', '%E2%82', '%00', '%25%', '%%30'];

/** Parameter names every dialect might read, plus bracket shapes that stress the query parser. */
const COMMON_NAMES: readonly string[] = [
  'id',
  'limit',
  'page',
  'offset',
  'cursor',
  'count',
  'sort',
  'order',
  'only',
  'filter',
  'q',
  'name',
  'level',
  'login',
  'api_key',
  'password',
  'format',
  'search[id]',
  'search[name]',
  'search[name_matches]',
  'search[level]',
  'search[min_level]',
  'search[created_at]',
  'search[order]',
  'search[is_banned]',
  'search[inviter][name]',
  'search[inviter][inviter][inviter][inviter][level]',
  'search[user][name]',
  'search[user_id]',
  'user[name]',
  'user[password]',
  'user[password_confirmation]',
  'user[email]',
  'user[level]',
  'user[per_page]',
  'user[time_zone]',
  'user[comment_threshold]',
  'ban[user_id]',
  'ban[reason]',
  'ban[duration]',
  'api_key[permissions][]',
  'api_key[permitted_ip_addresses]',
  'user_name_change_request[desired_name]',
  'ids[]',
  'a[b][c][d][e][f][g][h][i][j][k][l][m][n]',
  'a[]',
  'a[][]',
  'a[0]',
  'a[999999]',
  '[',
  ']',
  '[]',
  'a]',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
];

const ACCEPTS = ['*/*', 'application/json', 'application/xml', 'text/html', 'text/plain', 'garbage', '', 'application/json;q=0, */*;q=0'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'garbage',
  '',
];
const BAD_JSON = [
  '{',
  '{"a":',
  '[1,]',
  "{'a':1}",
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  'nul',
  '"str"',
  '123',
  'null',
  '[]',
  '[[[[[[[[[[',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  '\u0000',
];
const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from('{"user":{"name":"\xff"}}', 'latin1'),
];
const EXTENSIONS = ['json', 'xml', 'html', 'JSON', 'jpg', 'json.json', '', '%00', 'a'.repeat(300), '..', 'json%2Fx'];

/** `encodeURIComponent`, except that a lone surrogate becomes an invalid UTF-8 escape instead of throwing. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

/** Values a handler accepts, so that requests also reach the code behind validation. */
const PLAUSIBLE_STRINGS: readonly string[] = [
  '1',
  '2',
  '5',
  '20',
  '30',
  'victim_member',
  'fuzz_member',
  'fuzz_*',
  '*victim*',
  'Gold',
  'member',
  '20..40',
  '>30',
  '<=2',
  '1,2,3',
  'yes',
  'true',
  'id_desc',
  'name',
  '-created_at',
  'json',
  'correct horse battery',
  'fuzz@example.org',
  '2024-05-01',
  '1d',
  'users:index',
  'new_fuzz_name',
];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** A value as it appears in a URL: well encoded, or a bad escape sent raw. */
const urlValue = fc.oneof({ weight: 5, arbitrary: anyString.map(encode) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_ENCODINGS) });

type JsonSchema = {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
};

/**
 * A value that fits `schema` most of the time (so that requests get past validation into the
 * core), with a hostile value in its place now and then.
 */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(anyString, fc.integer(), fc.constant(null), fc.boolean());
  if (schema === undefined || depth > 4) return hostile;
  const fitting = fittingValue(schema, depth);
  return fc.oneof({ weight: 6, arbitrary: fitting }, { weight: 1, arbitrary: hostile });
}

function fittingValue(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) return fc.oneof(...choices.map((choice) => fromSchema(choice, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -10;
      const max = schema.maximum ?? Math.max(min, 0) + 100;
      return fc.oneof(fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(max, 1e9)) }), fc.constantFrom(min, max, min - 1, max + 1));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items, depth + 1), { maxLength: 4 });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyString, { maxKeys: 3 });
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(properties.map(([name, child]) => [name, fromSchema(child, depth + 1)])), {
        requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)),
      });
    }
    case 'string':
      return fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(schema.maxLength ?? 24, 24) }),
        fc.constantFrom('fuzz_name', 'correct horse battery', 'a@example.org', '20', 'true', '1'),
      );
    default:
      return anyString;
  }
}

/** A query string made from a querystring schema: every value as text, as a client sends it. */
function schemaQuery(schema: JsonSchema): fc.Arbitrary<string> {
  return fittingValue(schema, 0).map((value) => {
    if (value === null || typeof value !== 'object') return '';
    return Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${encode(key)}=${encode(typeof item === 'string' ? item : (JSON.stringify(item) ?? ''))}`)
      .join('&');
  });
}

function queryString(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(names.length > 0 ? names : COMMON_NAMES)) },
    { weight: 3, arbitrary: fc.constantFrom(...COMMON_NAMES) },
    { weight: 1, arbitrary: urlValue },
  );
  // Names are sent with their brackets as they are (as clients do), or encoded.
  const pair = fc.tuple(name, urlValue, fc.boolean(), fc.boolean()).map(([key, value, encodeKey, bare]) => {
    const k = encodeKey ? encode(key) : key;
    return bare ? k : `${k}=${value}`;
  });
  return fc.array(pair, { maxLength: 8 }).chain((pairs) =>
    // A repeated key, on purpose: `a=1&a=2` and `a=1&a[]=2` mean different things to different parsers.
    fc.boolean().map((repeat) => (repeat && pairs.length > 0 ? [...pairs, pairs[0] as string] : pairs).join('&')),
  );
}

/** A JSON value with hostile strings and the route's own names as keys, nested a little. */
function jsonValue(names: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...names, 'user', 'name', 'password', 'level', '__proto__', 'constructor'), fc.string({ maxLength: 10 }));
  const leaf = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}

interface BodyPart {
  readonly payload?: string | Buffer;
  readonly contentType?: string;
}

function body(names: readonly string[], schema: unknown): fc.Arbitrary<BodyPart> {
  const contentType = fc.constantFrom(...CONTENT_TYPES);
  const fitting =
    schema === undefined
      ? []
      : [fittingValue(schema as JsonSchema, 0).map((value) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json' }))];
  return fc.oneof<fc.Arbitrary<BodyPart>[]>(
    ...fitting,
    ...fitting,
    fc.constant({}),
    jsonValue(names).map((value) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json' })),
    fc.constantFrom(...BAD_JSON).map((payload) => ({ payload, contentType: 'application/json' })),
    queryString(names).map((payload) => ({ payload, contentType: 'application/x-www-form-urlencoded' })),
    fc
      .tuple(
        fc.oneof(
          queryString(names),
          jsonValue(names).map((value) => JSON.stringify(value) ?? ''),
        ),
        contentType,
      )
      .map(([payload, type]) => ({ payload, contentType: type })),
    fc.tuple(fc.constantFrom(...INVALID_UTF8), contentType).map(([payload, type]) => ({ payload, contentType: type })),
  );
}

function authorization(credentials: FuzzCredentials): fc.Arbitrary<string | undefined> {
  const garbage = fc.constantFrom(
    'Basic',
    'Basic %%%',
    `Basic ${Buffer.from(':').toString('base64')}`,
    `Basic ${Buffer.from('owner_user:').toString('base64')}`,
    `Basic ${Buffer.from('\u0000:\u0000').toString('base64')}`,
    `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}`,
    `Bearer ${HUGE}`,
    'Bearer ',
    'Token x',
    '',
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom(...credentials.valid) },
    { weight: 1, arbitrary: garbage },
  );
}

/** Fills `:param` segments: an id that exists, a number, or anything at all. */
function pathOf(route: FuzzRoute, credentials: FuzzCredentials): fc.Arbitrary<string> {
  const segments = route.url.split(/(:[A-Za-z_]+)/);
  const parts = segments.map((segment) => {
    if (!segment.startsWith(':')) return fc.constant(segment);
    if (segment === ':format') return fc.constantFrom(...EXTENSIONS);
    const extension = fc.oneof(
      fc.constant(''),
      fc.constantFrom(...EXTENSIONS).map((ext) => `.${ext}`),
    );
    const id = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...credentials.ids) },
      { weight: 3, arbitrary: urlValue },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 50 }).map(String) },
    );
    return fc.tuple(id, extension).map(([value, ext]) => value + ext);
  });
  return fc.tuple(...parts).map((values) => values.join(''));
}

/** A hostile request to `route`, or (sometimes) to a path under `prefix` that no route serves. */
export function requestTo(route: FuzzRoute, prefix: string, credentials: FuzzCredentials): fc.Arbitrary<FuzzRequest> {
  const path = fc.oneof({ weight: 9, arbitrary: pathOf(route, credentials) }, { weight: 1, arbitrary: urlValue.map((tail) => `${prefix}/${tail}`) });
  const routeBody = body(route.names, route.bodySchema);
  const hasBody = !['GET', 'HEAD'].includes(route.method)
    ? routeBody
    : fc.oneof({ weight: 5, arbitrary: fc.constant<BodyPart>({}) }, { weight: 1, arbitrary: routeBody });
  const query = route.querySchema === undefined ? queryString(route.names) : fc.oneof(queryString(route.names), schemaQuery(route.querySchema as JsonSchema));
  return fc
    .record({
      path,
      query,
      body: hasBody,
      authorization: authorization(credentials),
      accept: fc.option(fc.constantFrom(...ACCEPTS), { nil: undefined }),
    })
    .map(({ path: url, query, body: { payload, contentType }, authorization: auth, accept }) => {
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.authorization = auth;
      if (accept !== undefined) headers.accept = accept;
      if (contentType !== undefined) headers['content-type'] = contentType;
      return { method: route.method, url: query === '' ? url : `${url}?${query}`, headers, ...(payload === undefined ? {} : { payload }) };
    });
}

/** What a failing request looked like, short enough to read in a report. */
export function describeRequest(request: FuzzRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  const payload =
    request.payload === undefined
      ? ''
      : ` body=${cut(typeof request.payload === 'string' ? JSON.stringify(request.payload) : `<bytes ${request.payload.toString('hex')}>`)}`;
  return `${request.method} ${cut(request.url)} headers=${cut(JSON.stringify(request.headers))}${payload}`;
}
