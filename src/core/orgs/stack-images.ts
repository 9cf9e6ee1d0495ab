import { randomUUID } from 'node:crypto';
import type { Core } from '../context.js';
import { forbidden, validationFailed } from '../errors.js';
import type { Viewer } from '../access/viewer.js';

/** Stack Auth decodes `data:image/…;base64,` profile images of up to 1 MB (spec §3.6). */
export const IMAGE_MAX_BYTES = 1_000_000;

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

// Stack checks images with sharp; Roster recognises the formats by their first bytes instead.
const SIGNATURES: readonly { readonly type: string; readonly test: (b: Buffer) => boolean }[] = [
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a' },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'image/bmp', test: (b) => b.subarray(0, 2).toString('latin1') === 'BM' },
];

export const isDataImageUrl = (value: string): boolean => value.startsWith('data:');

export interface StoredImage {
  readonly id: string;
  readonly content_type: string;
  readonly bytes: Buffer;
}

/**
 * Keeps a `data:image/…;base64,` profile image and returns its id; Stack uploads it to S3 and
 * stores that URL, Roster serves it itself. Anyone signed in to a project (or its server) may
 * upload; the image must decode, be at most 1 MB and be a PNG, JPEG, GIF, WebP or BMP.
 */
export async function storeStackImage(core: Core, viewer: Viewer, dataUrl: string): Promise<StoredImage> {
  if (viewer.user === null && viewer.credential.kind !== 'system') throw forbidden();
  const match = DATA_URL.exec(dataUrl);
  const bytes = match ? Buffer.from(match[2]!, 'base64') : Buffer.alloc(0);
  const kind = SIGNATURES.find((signature) => signature.test(bytes));
  if (!match || bytes.length === 0 || !kind) throw validationFailed({ profile_image_url: ['is not a valid image'] });
  if (bytes.length > IMAGE_MAX_BYTES) throw validationFailed({ profile_image_url: [`is too large (maximum is ${IMAGE_MAX_BYTES} bytes)`] });
  const image = { id: randomUUID(), content_type: kind.type, data: bytes.toString('base64'), created_at: core.now() };
  await core.db.insertInto('stack_images').values(image).execute();
  return Object.freeze({ id: image.id, content_type: image.content_type, bytes });
}

/** A stored image, or null. Images are public, like the URLs Stack hands out. */
export async function getStackImage(core: Core, id: string): Promise<StoredImage | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await core.db.selectFrom('stack_images').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  return row ? Object.freeze({ id: row.id, content_type: row.content_type, bytes: Buffer.from(row.data, 'base64') }) : null;
}
