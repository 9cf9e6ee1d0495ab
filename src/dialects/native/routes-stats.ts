import { Type } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/context.js';
import { dashboardStats, MAX_STATS_DAYS, MAX_STATS_HOURS } from '../../core/stats.js';
import type { NativeApp } from './routes.js';
import { NullableResponse } from '../../http/response-schemas.js';
import { responses } from './schemas.js';

const StatsQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_STATS_DAYS, description: 'Days of sign-ups, today (UTC) included; default 30' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_STATS_HOURS, description: 'Hours of login failures, this hour included; default 24' })),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });

const StatsSchema = Type.Object({
  signups_per_day: Type.Array(Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (UTC)' }), count: Count }), {
    description: 'Oldest first, one per day',
  }),
  users_by_level: Type.Array(Type.Object({ level: Type.Integer(), level_name: NullableResponse(Type.String()), count: Count }), {
    description: 'Accounts not deleted',
  }),
  active_bans: Count,
  active_mutes: Count,
  login_failures_per_hour: Type.Array(Type.Object({ hour: Type.String({ description: 'The hour’s start, ISO 8601 (UTC)' }), count: Count }), {
    description: 'Oldest first, one per hour',
  }),
});

/** The admin console's dashboard figures (staff). */
export function statsRoutes(app: NativeApp, core: Core): void {
  app.get(
    '/stats',
    {
      schema: {
        tags: ['stats'],
        summary: 'Dashboard figures: sign-ups, users by level, sanctions in force, login failures',
        querystring: StatsQuery,
        response: responses({ 200: StatsSchema }),
      },
    },
    async (request) => {
      const stats = await dashboardStats(core, request.viewer, { days: request.query.days ?? 30, hours: request.query.hours ?? 24 });
      return {
        signups_per_day: stats.signupsPerDay.map(({ dayStart, count }) => ({ day: new Date(dayStart).toISOString().slice(0, 10), count })),
        users_by_level: stats.usersByLevel.map(({ level, levelName, count }) => ({ level, level_name: levelName, count })),
        active_bans: stats.activeBans,
        active_mutes: stats.activeMutes,
        login_failures_per_hour: stats.loginFailuresPerHour.map(({ hourStart, count }) => ({ hour: new Date(hourStart).toISOString(), count })),
      };
    },
  );
}
