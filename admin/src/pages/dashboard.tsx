import { useMemo } from 'preact/hooks';
import { get } from '../api.js';
import { ChartView, type Series } from '../chart.js';
import type { ApiUser } from '../types.js';
import { ErrorNote, Loading, useLoad } from '../ui.js';

interface Stats {
  readonly signups_per_day: { day: string; count: number }[];
  readonly users_by_level: { level: number; level_name: string; count: number }[];
  readonly active_bans: number;
  readonly active_mutes: number;
  readonly login_failures_per_hour: { hour: string | number; count: number }[];
}

/** A day (`2026-11-30`) or an hour (ISO text or milliseconds) → `2026-11-30 14:00`. */
const label = (value: string | number): string => (typeof value === 'number' ? new Date(value).toISOString() : value).replace('T', ' ').slice(0, 16);

export function DashboardPage({ viewer }: { viewer: ApiUser }) {
  const stats = useLoad(() => get<Stats>('/stats', { days: 30, hours: 24 }), 'stats');
  const charts = useMemo(() => {
    const data = stats.data;
    if (!data) return null;
    const series = <T,>(rows: readonly T[], name: (row: T) => string, count: (row: T) => number): Series => ({
      labels: rows.map(name),
      values: rows.map(count),
    });
    return {
      signups: series(
        data.signups_per_day,
        (row) => label(row.day),
        (row) => row.count,
      ),
      levels: series(
        data.users_by_level,
        (row) => row.level_name,
        (row) => row.count,
      ),
      sanctions: { labels: ['Bans', 'Mutes'], values: [data.active_bans, data.active_mutes] },
      failures: series(
        data.login_failures_per_hour,
        (row) => label(row.hour),
        (row) => row.count,
      ),
    };
  }, [stats.data]);

  return (
    <>
      <h1>Dashboard</h1>
      <p class="muted">Signed in as {viewer.name}.</p>
      <ErrorNote error={stats.error} />
      {stats.loading && !charts && <Loading what="statistics" />}
      {charts && stats.data && (
        <>
          <ul class="figures" aria-label="In force now">
            <li>
              <strong>{stats.data.active_bans}</strong> active bans
            </li>
            <li>
              <strong>{stats.data.active_mutes}</strong> active mutes
            </li>
          </ul>
          <div class="charts">
            <ChartView title="Sign-ups per day (30 days)" type="bar" series={charts.signups} />
            <ChartView title="Users by level" type="doughnut" series={charts.levels} />
            <ChartView title="Active bans and mutes" type="bar" series={charts.sanctions} />
            <ChartView title="Login failures per hour (24 hours)" type="line" series={charts.failures} />
          </div>
        </>
      )}
    </>
  );
}
