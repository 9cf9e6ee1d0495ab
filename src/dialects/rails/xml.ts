import { XMLBuilder } from 'fast-xml-parser';
import type { RailsRecord, RailsValue } from './record.js';

/**
 * Rails XML (activemodel-serializers-xml over ActiveSupport::XmlMini, as Danbooru's responder
 * renders records): dasherized element names, `type` attributes from the column type, nil as
 * `nil="true"`, lists as `type="array"`, and the XML declaration on top.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '>': '&gt;', '<': '&lt;', "'": '&apos;', '"': '&quot;' };

/**
 * The builder's five entities, replaced in one pass: its own `processEntities` runs one regular
 * expression per entity over every value (a fifth of the time of a page of users).
 */
const escapeEntities = (_name: string, value: unknown): unknown => (typeof value === 'string' ? value.replace(/[&<>'"]/g, (char) => ENTITIES[char]!) : value);

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Every value the builder would escape goes through one of these two first.
  processEntities: false,
  tagValueProcessor: escapeEntities,
  attributeValueProcessor: escapeEntities,
  // `nil="true"` must keep its value.
  suppressBooleanAttributes: false,
});

const DECLARATION = { '@_version': '1.0', '@_encoding': 'UTF-8' };

const DATETIME_KEYS: ReadonlySet<string> = new Set(['created_at', 'updated_at', 'last_logged_in_at', 'last_forum_read_at', 'last_used_at']);

// The column type Rails writes for a value that is a string or nil: the XML type follows the
// column, not the value. `theme` is an integer enum column, so Rails writes type="integer".
const COLUMN_TYPES: Readonly<Record<string, string>> = {
  id: 'integer',
  user_id: 'integer',
  inviter_id: 'integer',
  avatar_id: 'integer',
  banner_id: 'integer',
  level: 'integer',
  duration: 'integer',
  uses: 'integer',
  theme: 'integer',
  last_ip_addr: 'inet',
  last_ip_address: 'inet',
  ...Object.fromEntries([...DATETIME_KEYS].map((key) => [key, 'dateTime'])),
};

// Danbooru's infinite limits are Float::INFINITY: JSON writes null, XML a float.
const INFINITE_WHEN_NULL: ReadonlySet<string> = new Set(['tag_query_limit', 'favorite_group_limit', 'max_saved_searches']);

/** Associations whose class differs from their name carry it as `type` (`<inviter type="User">`). */
const ASSOCIATION_CLASSES: Readonly<Record<string, string>> = { inviter: 'User' };

/** Element names already written: records repeat the same few dozen keys on every row. */
const dasherized = new Map<string, string>();
const MAX_DASHERIZED = 10_000;

/** ActiveSupport `XmlMini.rename_key`: `?` dropped, inner underscores to dashes. */
export function dasherize(key: string): string {
  let name = dasherized.get(key);
  if (name === undefined) {
    const [, left = '', middle = '', right = ''] = /^(_*)(.*?)(_*)$/s.exec(key.replaceAll('?', '').trim()) ?? [];
    name = `${left}${middle.replace(/[_ ]/g, '-')}${right}`;
    if (dasherized.size >= MAX_DASHERIZED) dasherized.clear();
    dasherized.set(key, name);
  }
  return name;
}

const singular = (key: string): string => key.replace(/sses$/, 'ss').replace(/ies$/, 'y').replace(/s$/, '');

// Characters XML 1.0 cannot carry; Builder writes U+FFFD for them.
const text = (value: string): string =>
  value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

type Node = string | { readonly [key: string]: unknown };

function typed(type: string | undefined, body: string | null): Node {
  if (body === null) return type === undefined ? { '@_nil': 'true' } : { '@_type': type, '@_nil': 'true' };
  return type === undefined ? text(body) : { '@_type': type, '#text': text(body) };
}

function elementOf(key: string, value: RailsValue): Node {
  if (value === null) return INFINITE_WHEN_NULL.has(key) ? typed('float', 'Infinity') : typed(COLUMN_TYPES[key], null);
  if (typeof value === 'boolean') return typed('boolean', String(value));
  if (typeof value === 'number') return typed(Number.isInteger(value) ? 'integer' : 'float', String(value));
  if (typeof value === 'string') {
    // XmlMini writes times with `xmlschema`, without the milliseconds JSON has.
    const body = DATETIME_KEYS.has(key) ? value.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '') : value;
    return typed(COLUMN_TYPES[key], body);
  }
  if (Array.isArray(value)) return arrayNode(singular(key), value as readonly (RailsRecord | string)[]);
  const type = ASSOCIATION_CLASSES[key];
  return { ...(type === undefined ? {} : { '@_type': type }), ...recordNode(value as RailsRecord) };
}

function recordNode(record: RailsRecord): Record<string, Node> {
  const node: Record<string, Node> = {};
  for (const key of Object.keys(record)) node[dasherize(key)] = elementOf(key, record[key]!);
  return node;
}

function arrayNode(child: string, items: readonly (RailsRecord | string)[]): Node {
  const children = items.map((item) => (typeof item === 'string' ? text(item) : recordNode(item)));
  return children.length === 0 ? { '@_type': 'array' } : { '@_type': 'array', [dasherize(child)]: children };
}

/** A list: `<users type="array"><user>…</user></users>`, `<users type="array"/>` when empty. */
export function xmlList(root: string, child: string, records: readonly RailsRecord[]): string {
  return builder.build({ '?xml': DECLARATION, [dasherize(root)]: arrayNode(child, records) }) as string;
}

/** One record under `root` (`<user>…</user>`). */
export function xmlRecord(root: string, record: RailsRecord): string {
  return builder.build({ '?xml': DECLARATION, [dasherize(root)]: recordNode(record) }) as string;
}

export const usersXml = (records: readonly RailsRecord[]): string => xmlList('users', 'user', records);
export const userXml = (record: RailsRecord): string => xmlRecord('user', record);

/** Danbooru's error body (static/error.xml.erb): `backtrace` is `[]`, or null for an unknown route. */
export interface RailsErrorBody {
  readonly success: false;
  readonly error: string;
  readonly message: string;
  readonly backtrace: readonly string[] | null;
}

export function errorXml(body: RailsErrorBody): string {
  const backtrace = body.backtrace === null ? typed(undefined, null) : arrayNode('backtrace', body.backtrace);
  return builder.build({
    '?xml': DECLARATION,
    result: { success: typed('boolean', 'false'), error: text(body.error), message: text(body.message), backtrace },
  }) as string;
}
