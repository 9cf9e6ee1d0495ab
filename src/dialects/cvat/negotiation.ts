import { CVAT_MEDIA_TYPE, notAcceptable } from './errors.js';

/**
 * DRF content negotiation with CVAT's one renderer (`application/vnd.cvat+json`, spec §1.6):
 * the Accept header must name it, `application/*` or `*\/*`; `application/json` alone is 406.
 * The answer's Content-Type is the media type the client named, with its parameters
 * (`; version=2.0`), or the renderer's own for a wildcard.
 */
export function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === '') return CVAT_MEDIA_TYPE;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim());
    const quality = params.find((p) => /^q=/i.test(p));
    if (quality !== undefined && Number(quality.slice(2)) === 0) continue;
    const base = type.toLowerCase();
    if (base === CVAT_MEDIA_TYPE) {
      const kept = params.filter((p) => !/^q=/i.test(p));
      return kept.length > 0 ? `${CVAT_MEDIA_TYPE}; ${kept.join('; ')}` : CVAT_MEDIA_TYPE;
    }
    if (base === '*/*' || base === 'application/*') return CVAT_MEDIA_TYPE;
  }
  throw notAcceptable();
}
