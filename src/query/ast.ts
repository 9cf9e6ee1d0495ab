/**
 * The filter AST every dialect's search syntax compiles into. Nodes are plain frozen objects;
 * build them with the constructors below. `field` names refer to the field catalogue
 * (`fields.ts`), never to columns.
 */
export type Scalar = string | number | boolean;

export type CompareOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

/**
 * String matching modes. `exact`/`prefix`/`contains` take a literal; `wildcard` treats `*` as
 * "any run of characters" (and `\*` as a literal star); `regex` is a POSIX-like regular
 * expression. `caseSensitive: false` folds case on both sides.
 */
export type MatchMode = 'exact' | 'prefix' | 'contains' | 'wildcard' | 'regex';

export type Filter =
  | { readonly kind: 'and'; readonly items: readonly Filter[] }
  | { readonly kind: 'or'; readonly items: readonly Filter[] }
  | { readonly kind: 'not'; readonly item: Filter }
  | { readonly kind: 'cmp'; readonly field: string; readonly op: CompareOp; readonly value: Scalar }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly Scalar[] }
  | { readonly kind: 'isNull'; readonly field: string }
  | {
      readonly kind: 'match';
      readonly field: string;
      readonly mode: MatchMode;
      readonly value: string;
      readonly caseSensitive: boolean;
    }
  /** Rows of a related collection (`bans`, `name_changes`, `inviter`, `memberships`) exist, optionally matching `where`. */
  | { readonly kind: 'exists'; readonly relation: string; readonly where: Filter | null }
  | { readonly kind: 'const'; readonly value: boolean };

const freeze = <T extends Filter>(node: T): T => Object.freeze(node);

export const TRUE: Filter = freeze({ kind: 'const', value: true });
export const FALSE: Filter = freeze({ kind: 'const', value: false });

/** AND of the items, flattening nested ANDs and dropping TRUE; an empty list is TRUE. */
export function and(...items: readonly Filter[]): Filter {
  const flat = items.flatMap((item) => (item.kind === 'and' ? item.items : [item])).filter((item) => item !== TRUE);
  if (flat.some((item) => item.kind === 'const' && !item.value)) return FALSE;
  if (flat.length === 0) return TRUE;
  return flat.length === 1 ? flat[0]! : freeze({ kind: 'and', items: Object.freeze(flat) });
}

/** OR of the items, flattening nested ORs and dropping FALSE; an empty list is FALSE. */
export function or(...items: readonly Filter[]): Filter {
  const flat = items.flatMap((item) => (item.kind === 'or' ? item.items : [item])).filter((item) => item !== FALSE);
  if (flat.some((item) => item.kind === 'const' && item.value)) return TRUE;
  if (flat.length === 0) return FALSE;
  return flat.length === 1 ? flat[0]! : freeze({ kind: 'or', items: Object.freeze(flat) });
}

export function not(item: Filter): Filter {
  if (item.kind === 'const') return item.value ? FALSE : TRUE;
  if (item.kind === 'not') return item.item;
  return freeze({ kind: 'not', item });
}

export const cmp = (field: string, op: CompareOp, value: Scalar): Filter => freeze({ kind: 'cmp', field, op, value });
export const eq = (field: string, value: Scalar): Filter => cmp(field, 'eq', value);

export const isIn = (field: string, values: readonly Scalar[]): Filter =>
  values.length === 0 ? FALSE : freeze({ kind: 'in', field, values: Object.freeze([...values]) });

export const isNull = (field: string): Filter => freeze({ kind: 'isNull', field });

export const match = (field: string, mode: MatchMode, value: string, caseSensitive = false): Filter =>
  freeze({ kind: 'match', field, mode, value, caseSensitive });

export const exists = (relation: string, where: Filter | null = null): Filter => freeze({ kind: 'exists', relation, where: where === TRUE ? null : where });

/** Every field name a filter mentions, with the relation path it is reached through. */
export function fieldsOf(filter: Filter, path: readonly string[] = []): { path: readonly string[]; field: string }[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.items.flatMap((item) => fieldsOf(item, path));
    case 'not':
      return fieldsOf(filter.item, path);
    case 'cmp':
    case 'in':
    case 'isNull':
    case 'match':
      return [{ path, field: filter.field }];
    case 'exists':
      return filter.where ? fieldsOf(filter.where, [...path, filter.relation]) : [];
    case 'const':
      return [];
  }
}
