import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';

/*
 * Building blocks for response schemas, which compile each route's serializer
 * (fast-json-stringify). A `Type.Union` becomes `anyOf`, and fast-json-stringify picks an
 * `anyOf` branch by checking the value against each branch with Ajv, for every value of every
 * row: a page of 50 native users took 364 µs to serialize, against 88 µs with these.
 */

/** This schema or null: OpenAPI 3.0's `nullable`, written inline by the serializer. */
export const NullableResponse = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/** One of these strings (rather than a union of literals). */
export const StringEnum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
