/**
 * A record as a Rails app serializes it (`as_json` / `serializable_hash`): plain JSON values in
 * the app's key order, which `xml.ts` also writes as Rails XML. Danbooru and e621 render into it.
 */
export type RailsValue = string | number | boolean | null | RailsRecord | readonly RailsRecord[] | readonly string[];
export interface RailsRecord {
  readonly [key: string]: RailsValue;
}
