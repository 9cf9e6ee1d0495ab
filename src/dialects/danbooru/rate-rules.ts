import { Level } from '../../core/access/levels.js';
import type { RateRule } from '../rails/rate-limits.js';

/** Danbooru's limited actions (rate_limiter.rb callers, A6). */

/** settings updates, 1 per second below Gold and 4 from Gold up, burst 200. */
export const updateRule = (level: number): RateRule => ({ action: 'users:update', rate: level >= Level.Gold ? 4 : 1, burst: 200, cost: 1 });

/** signups, 1 per 5 minutes, burst 3. */
export const SIGNUP_RULE: RateRule = Object.freeze({ action: 'users:create', rate: 1 / 300, burst: 3, cost: 1 });

/** signup attempts that fail validation, 1 per second, burst 10. */
export const INVALID_SIGNUP_RULE: RateRule = Object.freeze({ action: 'users:invalid_create', rate: 1, burst: 10, cost: 1 });
